using System.Reflection;
using Npgsql;
using ScimLite.Auth;
using ScimLite.Data;
using ScimLite.Health;
using ScimLite.Journal;
using ScimLite.Requests;
using ScimLite.Safety;
using ScimLite.Webhooks;

namespace ScimLite.Status;

/// <summary>
/// Reads what the status page shows through the queries the commands use (<see cref="JournalQuery"/>,
/// <see cref="RequestLogQuery"/>, <see cref="BrakeStore"/>, <see cref="ClientStore"/>, <see cref="WebhookStatusQuery"/>), each
/// bounded: 50 rows by primary key, the brake row, the client table, the webhook positions (lag counted up to
/// <see cref="WebhookLagCap"/>), and the hourly activity (<see cref="ActivityQuery"/>).
/// </summary>
public sealed class StatusReader(NpgsqlDataSource dataSource, ReadinessProbe probe, BrakeStore brake, ClientStore clientStore,
    ClientDirectory directory, ClientActivity activity, TimeProvider time, IConfiguration configuration)
{
    public const int Latest = 50;

    /// <summary>A webhook's lag is counted up to this many events on the page (the command counts further).</summary>
    public const int WebhookLagCap = 10_000;

    // Checked at start-up (WebhookServices), so reading them cannot fail here.
    readonly string[] webhookNames = [.. WebhookEndpoints.Read(configuration).Select(e => e.Name)];

    static readonly string Version = typeof(StatusReader).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()
        ?.InformationalVersion.Split('+')[0] ?? "unknown";

    public async Task<StatusSnapshot> ReadAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var empty = new StatusSnapshot(now, new HealthInfo(false, null, 0, 0, Version, activity.Started), null,
            Clients([]), [], [], [], [], null);
        if (!await probe.IsDatabaseReadyAsync().WaitAsync(ct))
            return empty;
        try
        {
            // Independent reads on their own connections, at once: the page waits for the slowest, not the sum.
            var schema = Task.Run(() => Migrations.ReadState(dataSource), ct);
            var brakeStatus = brake.StatusAsync(ct);
            var rows = clientStore.AllAsync(ct);
            var activityHours = WithConnection(c => ActivityQuery.ReadAsync(c, now, ct), ct);
            var journal = WithConnection(async c => await JournalQuery.ReadAsync(c, new JournalFilter { Limit = Latest }, ct) ?? [], ct);
            var failures = WithConnection(c => RequestLogQuery.ReadAsync(c,
                new RequestFilter { Status = (400, 599), Limit = Latest, Bodies = false }, ct), ct);
            var webhooks = WithConnection(c => WebhookStatusQuery.ReadAsync(c, webhookNames, ct, lagCap: WebhookLagCap), ct);
            var state = await schema;
            return empty with
            {
                Health = empty.Health with
                {
                    DatabaseReachable = true, SchemaVersion = state.Version, PendingScripts = state.Pending.Count,
                    UnknownScripts = state.Unknown.Count,
                },
                Brake = await brakeStatus,
                Clients = Clients(await rows),
                Activity = await activityHours,
                Journal = [.. (await journal).Reverse()],
                Failures = [.. (await failures).Reverse()],
                Webhooks = await webhooks,
            };
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return empty;
        }
    }

    public async Task<JournalRow?> JournalRowAsync(long seq, CancellationToken ct) =>
        await WithConnection(c => JournalQuery.ReadOneAsync(c, seq, ct), ct);

    public async Task<RequestRow?> FailureAsync(long seq, CancellationToken ct) =>
        await WithConnection(c => RequestLogQuery.ReadOneAsync(c, seq, ct), ct);

    async Task<T> WithConnection<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await read(connection);
    }

    /// <summary>The configured clients, the client table, and any other name this instance answered ("-": no valid token).</summary>
    List<ClientLine> Clients(IReadOnlyList<ClientRow> table)
    {
        var lines = new List<ClientLine>();
        foreach (var client in directory.ConfiguredClients)
            lines.Add(Line(client.Name, "configuration", null, null, null));
        foreach (var row in table.Where(r => lines.All(l => l.Name != r.Name)))
            lines.Add(Line(row.Name, "client table", row.LastUsed, row.Expires, row.Revoked));
        foreach (var name in activity.Names.Where(n => lines.All(l => l.Name != n)).Order(StringComparer.Ordinal))
            lines.Add(Line(name, name == "-" ? "no valid token" : "seen by this instance", null, null, null));
        return lines;

        ClientLine Line(string name, string source, DateTime? lastUsed, DateTime? expires, DateTime? revoked)
        {
            var seen = activity.LastRequest(name);
            var last = lastUsed is null ? seen : seen is null ? lastUsed : seen > lastUsed ? seen : lastUsed;
            return new ClientLine(name, source, last, expires, revoked, activity.Over(name, TimeSpan.FromHours(1)),
                activity.Over(name, TimeSpan.FromDays(1)));
        }
    }
}
