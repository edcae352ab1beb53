using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Dapper;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Reliability;

/// <summary>
/// PostgreSQL stops under a stream of writes and comes back: every answer is a 201 whose user is stored, or a 503 with
/// an integer Retry-After and a SCIM body; nothing acknowledged is lost or duplicated; the service recovers by itself.
/// </summary>
public class DatabaseOutageTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    const int Writers = 4;

    sealed record Outcome(HttpStatusCode Status, string UserName, string? Id, string? Problem);

    [Fact]
    public async Task Outage_DuringWrites_AnswersCreatedOr503_LosesNothing_AndRecovers()
    {
        Assert.True(App.Postgres.CanRestart, "This test stops PostgreSQL; it cannot run against SCIMLITE_TEST_CONNECTION.");
        await using var host = App.UnthrottledHost();
        using var client = host.CreateClient(App.Token);
        using var anonymous = host.CreateClient(token: null);
        var outcomes = new ConcurrentQueue<Outcome>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(() => WriteUntilAsync(client, w, outcomes, stop.Token))).ToArray();
        TimeSpan recoveredIn;
        try
        {
            await WaitForAsync(() => outcomes.Count(o => o.Status == HttpStatusCode.Created) >= 200, "200 users created before the outage");
            await App.Postgres.StopAsync();
            try
            {
                var downAt = outcomes.Count;
                using (var ready = await anonymous.GetAsync("/readyz"))
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                await WaitForAsync(() => outcomes.Skip(downAt).Count(o => o.Status == HttpStatusCode.ServiceUnavailable) >= Writers,
                    "the writers get 503s while the database is down");
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
            finally
            {
                await App.Postgres.StartAsync();
            }

            var back = Stopwatch.StartNew();
            await WaitForAsync(async () =>
            {
                using var response = await client.GetAsync($"{Urls.Users}?count=0");
                return response.StatusCode == HttpStatusCode.OK;
            }, "GET /Users answers 200 after PostgreSQL is back");
            recoveredIn = back.Elapsed;
            await WaitForAsync(async () =>
            {
                using var response = await anonymous.GetAsync("/readyz");
                return response.StatusCode == HttpStatusCode.OK;
            }, "/readyz answers 200 after PostgreSQL is back");
            var createdSoFar = outcomes.Count(o => o.Status == HttpStatusCode.Created);
            await WaitForAsync(() => outcomes.Count(o => o.Status == HttpStatusCode.Created) >= createdSoFar + 200, "200 more users created after recovery");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        await using var connection = await App.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<(Guid Id, string UserName)>("SELECT id, user_name FROM users"))
            .ToDictionary(u => u.UserName, u => u.Id);
        var all = outcomes.ToList();
        var created = all.Where(o => o.Status == HttpStatusCode.Created).ToList();
        var unavailable = all.Where(o => o.Status == HttpStatusCode.ServiceUnavailable).ToList();
        var committedDespite503 = unavailable.Count(o => stored.ContainsKey(o.UserName));
        output.WriteLine($"{all.Count} POSTs by {Writers} writers: " + string.Join(", ", all.GroupBy(o => (int)o.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")));
        output.WriteLine($"{stored.Count} users stored; {committedDespite503} of the 503s had committed (outcome unknown to the client); " +
            $"first 200 {recoveredIn.TotalSeconds:0.0} s after PostgreSQL was back");

        Assert.All(all, o => Assert.True(o.Problem is null, $"{(int)o.Status} for {o.UserName}: {o.Problem}"));
        Assert.All(created, o => Assert.True(stored.TryGetValue(o.UserName, out var id) && id.ToString() == o.Id,
            $"acknowledged user {o.UserName} ({o.Id}) is not stored as answered"));
        Assert.NotEmpty(unavailable);
        // userName is unique in the index; every stored row is one this test sent, and none was sent twice.
        Assert.Equal(stored.Count, created.Count + committedDespite503);
    }

    /// <summary>One client POSTing new users one after another until stopped; every answer is classified.</summary>
    static async Task WriteUntilAsync(HttpClient client, int writer, ConcurrentQueue<Outcome> outcomes, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var userName = $"outage-{writer}-{n}@example.com";
            using var response = await client.PostScimAsync(Urls.Users, new { schemas = new[] { UserUrn }, userName });
            var body = await response.Content.ReadAsStringAsync();
            outcomes.Enqueue(response.StatusCode switch
            {
                HttpStatusCode.Created => new Outcome(response.StatusCode, userName, (await response.ReadJsonAsync()).Id(), null),
                HttpStatusCode.ServiceUnavailable => new Outcome(response.StatusCode, userName, null,
                    ScimAssert.ScimErrorProblem(response.StatusCode, body) ?? RetryAfterProblem(response)),
                _ => new Outcome(response.StatusCode, userName, null, $"unexpected status: {body}"),
            });
        }
    }

    static string? RetryAfterProblem(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Retry-After", out var values) && values.Count() == 1 && int.TryParse(values.Single(), out var s) && s > 0
            ? null
            : "503 without an integer Retry-After";

    static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    /// <summary>Polls until true; the 60 s bound only keeps a broken run from hanging, it is not a timing assertion.</summary>
    static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
                throw new Xunit.Sdk.XunitException($"Timed out waiting until {what}.");
            await Task.Delay(50);
        }
    }
}
