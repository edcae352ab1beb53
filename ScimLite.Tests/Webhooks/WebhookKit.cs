using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScimLite.Tests.Infrastructure;
using StandardWebhooks;

namespace ScimLite.Tests.Webhooks;

/// <summary>One POST a receiver got: the Standard Webhooks headers, the body, whether the package verified it, and what it answered.</summary>
public sealed record Delivery(string Id, string Timestamp, string Signature, string Body, bool Verified, int Answered, DateTime At)
{
    public JsonElement[] Events => JsonDocument.Parse(Body).RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
}

/// <summary>
/// A webhook receiver on a loopback port (a real Kestrel server): it verifies each POST's signature with the
/// StandardWebhooks package, records it, and answers <see cref="Status"/> — or holds the request open while <see cref="Hang"/>.
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ConcurrentQueue<Delivery> deliveries = new();

    Receiver(WebApplication app, string secret) => (this.app, Secret) = (app, secret);

    /// <summary>A fresh Standard Webhooks secret: whsec_ and the base64 of 32 random bytes.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Secret { get; }
    public string Url { get; private set; } = "";
    public volatile int Status = 204;
    public volatile bool Hang;

    /// <summary>Every POST so far, in arrival order.</summary>
    public IReadOnlyList<Delivery> All => deliveries.ToList();

    /// <summary>The POSTs answered 2xx, in arrival order.</summary>
    public IReadOnlyList<Delivery> Accepted => All.Where(d => d.Answered is >= 200 and < 300).ToList();

    /// <summary>The events of the accepted POSTs, in arrival order.</summary>
    public IReadOnlyList<JsonElement> AcceptedEvents => Accepted.SelectMany(d => d.Events).ToList();

    public static async Task<Receiver> StartAsync(string? secret = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new Receiver(builder.Build(), secret ?? NewSecret());
        receiver.app.MapPost("/hooks", (Delegate)receiver.HandleAsync);
        await receiver.app.StartAsync();
        var address = receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address + "/hooks";
        return receiver;
    }

    async Task<IResult> HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var verified = true;
        try
        {
            new StandardWebhook(Secret).Verify(body, context.Request.Headers);
        }
        catch (Exception)
        {
            verified = false;
        }
        var hang = Hang;
        var status = hang ? 0 : verified ? Status : 401;
        deliveries.Enqueue(new Delivery(context.Request.Headers["webhook-id"].ToString(), context.Request.Headers["webhook-timestamp"].ToString(),
            context.Request.Headers["webhook-signature"].ToString(), body, verified, status, DateTime.UtcNow));
        if (hang)
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return Results.Text(status >= 400 ? "receiver says no\nsecond line" : "", statusCode: status);
    }

    /// <summary>Waits (up to 20 s) until <paramref name="done"/> holds for the deliveries; fails the test otherwise.</summary>
    public async Task<IReadOnlyList<Delivery>> WaitForAsync(Func<IReadOnlyList<Delivery>, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!done(All))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the receiver never got {what}; it got {All.Count} POSTs");
            await Task.Delay(20);
        }
        return All;
    }

    public async ValueTask DisposeAsync()
    {
        Hang = false;
        await app.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(2)).Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await app.DisposeAsync();
    }
}

/// <summary>Hosts with webhooks configured, and the database side of delivery, for the webhook tests.</summary>
static class WebhookKit
{
    /// <summary>Settings of one endpoint <c>Scim:Webhooks:&lt;index&gt;</c>, with fast retries and polling for tests.</summary>
    public static Dictionary<string, string?> Endpoint(this Dictionary<string, string?> settings, int index, string name, Receiver receiver,
        params string[] actions)
    {
        settings[$"Scim:Webhooks:{index}:Name"] = name;
        settings[$"Scim:Webhooks:{index}:Url"] = receiver.Url;
        settings[$"Scim:Webhooks:{index}:Secret"] = receiver.Secret;
        for (var i = 0; i < actions.Length; i++)
            settings[$"Scim:Webhooks:{index}:Actions:{i}"] = actions[i];
        return settings;
    }

    public static Dictionary<string, string?> FastDelivery(int batchSize = 100) => new()
    {
        ["Scim:WebhookDelivery:PollMilliseconds"] = "100",
        ["Scim:WebhookDelivery:RetryMinMilliseconds"] = "20",
        ["Scim:WebhookDelivery:RetryMaxSeconds"] = "1",
        ["Scim:WebhookDelivery:BatchSize"] = batchSize.ToString(),
    };

    /// <summary>Waits until some instance holds the endpoint and has stored its position (changes from then on are delivered).</summary>
    public static async Task WaitForPositionAsync(this ScimApp app, string name)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        await using var connection = await app.OpenConnectionAsync();
        while (await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM webhook_positions WHERE name = @name", new { name }) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no position for {name} after 20 s");
            await Task.Delay(20);
        }
    }

    /// <summary>The journal rows after <paramref name="afterSeq"/> in the change feed's order: (xid, seq).</summary>
    public static async Task<IReadOnlyList<(string Xid, long Seq, string Action)>> FeedAsync(this ScimApp app, long afterSeq = 0)
    {
        await using var connection = await app.OpenConnectionAsync();
        return (await connection.QueryAsync<(string, long, string)>(
            "SELECT xid::text, seq, action FROM journal WHERE seq > @afterSeq ORDER BY xid, seq", new { afterSeq })).ToList();
    }

    /// <summary>The event ids the journal rows should have at <paramref name="endpoint"/>.</summary>
    public static string[] EventIds(this IEnumerable<(string Xid, long Seq, string Action)> rows, string endpoint) =>
        rows.Select(r => $"{endpoint}-{r.Xid}-{r.Seq}").ToArray();

    public static string[] Ids(this IEnumerable<JsonElement> events) => events.Select(e => e.GetProperty("id").GetString()!).ToArray();

    /// <summary>The signature computed here from the spec (HMAC-SHA256 over "id.timestamp.body", key = the secret's base64 part).</summary>
    public static string ExpectedSignature(string secret, Delivery delivery)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{delivery.Id}.{delivery.Timestamp}.{delivery.Body}"));
        return "v1," + Convert.ToBase64String(mac);
    }
}
