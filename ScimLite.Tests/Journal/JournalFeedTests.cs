using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Dapper;
using Npgsql;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScimLite.Tests.Journal;

/// <summary>
/// The change feed: the notifier announces the feed's head after commit only, once per head however many instances
/// watch, and sequence numbers stay distinct across servers.
/// </summary>
public class JournalFeedTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    /// <summary>A connection LISTENing on scimlite_journal that collects the payloads.</summary>
    sealed class Listener : IAsyncDisposable
    {
        readonly NpgsqlConnection connection;
        readonly BlockingCollection<string> payloads = new();

        Listener(NpgsqlConnection connection)
        {
            this.connection = connection;
            connection.Notification += (_, e) => payloads.Add(e.Payload);
        }

        public static async Task<Listener> StartAsync(ScimApp app)
        {
            var listener = new Listener(await app.OpenConnectionAsync());
            await listener.connection.ExecuteAsync("LISTEN scimlite_journal");
            return listener;
        }

        /// <summary>The next payload, or null when none arrives within <paramref name="wait"/>.</summary>
        public async Task<string?> NextAsync(TimeSpan wait)
        {
            if (payloads.TryTake(out var ready))
                return ready;
            // WaitAsync reads the socket until a notification arrives; false when the time ran out.
            using var cts = new CancellationTokenSource(wait);
            try
            {
                await connection.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
            }
            return payloads.TryTake(out var payload) ? payload : null;
        }

        /// <summary>
        /// Reads announcements until <paramref name="seq"/>'s: a row before it may be announced first (the notifier
        /// may have seen the feed's head before it moved), never one after it.
        /// </summary>
        public async Task WaitForAsync(long seq)
        {
            for (var payload = await NextAsync(TimeSpan.FromSeconds(10)); payload != seq.ToString(); payload = await NextAsync(TimeSpan.FromSeconds(10)))
                Assert.True(payload is not null && long.Parse(payload) < seq, $"announced {payload ?? "nothing"}, waiting for {seq}");
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    [Fact]
    public async Task Listener_IsNotifiedAfterCommit_NeverBefore_NeverForARollback()
    {
        await using var listener = await Listener.StartAsync(App);
        await using var writer = await App.OpenConnectionAsync();

        await using (var tx = await writer.BeginTransactionAsync())
        {
            await writer.ExecuteAsync("INSERT INTO users (id, user_name, created, last_modified) VALUES (gen_random_uuid(), 'gone@example.com', now(), now())", transaction: tx);
            await tx.RollbackAsync();
        }
        Assert.Null(await listener.NextAsync(TimeSpan.FromMilliseconds(500)));

        await using (var tx = await writer.BeginTransactionAsync())
        {
            await writer.ExecuteAsync("INSERT INTO users (id, user_name, created, last_modified) VALUES (gen_random_uuid(), 'alice@example.com', now(), now())", transaction: tx);
            var seq = await writer.QuerySingleAsync<long>("SELECT max(seq) FROM journal", transaction: tx);
            Assert.Null(await listener.NextAsync(TimeSpan.FromMilliseconds(500)));
            await tx.CommitAsync();
            Assert.Equal(seq.ToString(), await listener.NextAsync(TimeSpan.FromSeconds(10)));
        }
        Assert.Null(await listener.NextAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task Deactivation_ThroughTheApi_ReachesAListenerWithItsSeq()
    {
        await using var listener = await Listener.StartAsync(App);
        var id = await Client.NewUserAsync("alice@example.com");
        await listener.WaitForAsync((await App.JournalAsync()).Max(e => e.Seq));

        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, await Client.PatchAsync(Urls.User(id), new { op = "replace", value = new { active = false } }));
        var payload = await listener.NextAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"notification {clock.Elapsed.TotalMilliseconds:F1} ms after the request was sent");

        Assert.NotNull(payload);
        var entry = Assert.Single(await App.JournalAsync(long.Parse(payload) - 1));
        Assert.Equal(("deactivated", Guid.Parse(id)), (entry.Action, entry.ResourceId));
    }

    [Fact]
    public async Task EachHeadIsAnnouncedOnce_HoweverManyInstancesWatch_AndABurstOfWritesIsOneAnnouncementOrAFew()
    {
        // Three instances run the notifier against one database: the fixture's host and these two.
        await using var servers = new TwoServers(App);
        var (a, b) = (servers.A, servers.B);
        await using var listener = await Listener.StartAsync(App);
        var id = await a.NewUserAsync("alice@example.com");
        await listener.WaitForAsync((await App.JournalAsync()).Max(e => e.Seq));

        Assert.Equal(HttpStatusCode.OK, await b.PatchAsync(Urls.User(id), new { op = "replace", value = new { active = false } }));
        var seq = (await App.JournalAsync()).Max(e => e.Seq);
        Assert.Equal(seq.ToString(), await listener.NextAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(await listener.NextAsync(TimeSpan.FromSeconds(1)));

        // 40 writes in a burst: fewer announcements than rows, each a distinct seq, the last one the feed's head — the
        // last row in (xid, seq) order, which among concurrent writes need not be the highest seq.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? a : b).NewUserAsync($"user{i}@example.com")));
        string last;
        await using (var connection = await App.OpenConnectionAsync())
            last = (await connection.QuerySingleAsync<long>("SELECT seq FROM journal ORDER BY xid DESC, seq DESC LIMIT 1")).ToString();
        var announced = new List<string>();
        while (announced.LastOrDefault() != last && await listener.NextAsync(TimeSpan.FromSeconds(10)) is { } payload)
            announced.Add(payload);
        output.WriteLine($"40 writes announced as {announced.Count}: {string.Join(", ", announced)}");
        Assert.Equal(last, announced.LastOrDefault());
        Assert.Equal(announced.Count, announced.Distinct().Count());
        Assert.True(announced.Count < 40, $"{announced.Count} announcements for 40 writes");
        Assert.Null(await listener.NextAsync(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task TwoHostsWritingAtOnce_GetDistinctIncreasingSeqs_AndTheFeedOrderMissesNone()
    {
        await using var servers = new TwoServers(App);
        var (a, b) = (servers.A, servers.B);
        const int perHost = 20;

        // Each task creates its user, then deactivates it: per resource the second row must follow the first.
        await Task.WhenAll(Enumerable.Range(0, 2 * perHost).Select(i => Task.Run(async () =>
        {
            var client = i % 2 == 0 ? a : b;
            var id = await client.NewUserAsync($"user{i}@example.com");
            Assert.Equal(HttpStatusCode.OK, await client.PatchAsync(Urls.User(id), new { op = "replace", value = new { active = false } }));
        })));

        var entries = await App.JournalAsync();
        Assert.Equal(4 * perHost, entries.Count);
        Assert.Equal(entries.Count, entries.Select(e => e.Seq).Distinct().Count());
        Assert.All(entries.GroupBy(e => e.ResourceId), history =>
            Assert.Equal(["created", "deactivated"], history.OrderBy(e => e.Seq).Select(e => e.Action)));
        Assert.Equal(entries.Count, entries.Select(e => e.RequestId).Distinct().Count());

        // The feed query in docs/database.md, in (xid, seq) pages of 7 from the start, returns every row exactly once. Rows wait
        // while any older transaction anywhere on the server still runs (other suites share it), so read until the
        // feed has caught up, within a bound.
        await using var connection = await App.OpenConnectionAsync();
        var seen = new List<long>();
        for (var attempt = 0; attempt < 100 && (attempt == 0 || seen.Count < entries.Count); attempt++)
        {
            if (attempt > 0)
                await Task.Delay(200);
            seen = await ReadFeedAsync(connection);
        }
        var missing = entries.Select(e => e.Seq).Except(seen).Order().ToList();
        Assert.True(missing.Count == 0, await FeedDiagnosticsAsync(connection, missing));
        Assert.Equal(entries.Select(e => e.Seq).Order(), seen.Order());
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    /// <summary>Why the feed holds rows back: their xids, the snapshot, and every transaction on the server with an xid.</summary>
    static async Task<string> FeedDiagnosticsAsync(NpgsqlConnection connection, List<long> missing)
    {
        var text = new System.Text.StringBuilder($"The feed never returned {missing.Count} rows.\n");
        text.AppendLine($"snapshot: {await connection.QuerySingleAsync<string>("SELECT pg_current_snapshot()::text")}");
        foreach (var row in await connection.QueryAsync<(long Seq, string Xid, string Action)>(
                     "SELECT seq, xid::text, action FROM journal ORDER BY seq"))
            text.AppendLine($"journal seq {row.Seq} xid {row.Xid} {row.Action}{(missing.Contains(row.Seq) ? "  <- missing" : "")}");
        foreach (var row in await connection.QueryAsync<(int Pid, string? Db, string? App, string? State, string? Xid, string? Xmin, DateTime? Since, string? Query)>("""
                     SELECT pid, datname, application_name, state, backend_xid::text, backend_xmin::text, xact_start, left(query, 200)
                       FROM pg_stat_activity WHERE backend_xid IS NOT NULL OR backend_xmin IS NOT NULL ORDER BY xact_start
                     """))
            text.AppendLine($"backend {row.Pid} db={row.Db} app={row.App} state={row.State} xid={row.Xid} xmin={row.Xmin} since={row.Since:O} query={row.Query}");
        foreach (var xact in await connection.QueryAsync<string>("SELECT transaction::text || ' ' || gid FROM pg_prepared_xacts"))
            text.AppendLine($"prepared {xact}");
        return text.ToString();
    }

    [Fact]
    public async Task TheFeedWalk_FollowsTransactionNumbers_AcrossADigitBoundary()
    {
        // Rows of long-finished transactions 95..114 (initdb alone uses more), seq descending: xid order is neither seq
        // order nor the text order of the xids ('100' < '95'), so a walk sorting either way would skip rows.
        await using var connection = await App.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO journal (xid, resource_type, resource_id, action, changes)
            SELECT x::text::xid8, 'User', gen_random_uuid(), 'created', '{}' FROM generate_series(114, 95, -1) AS x
            """);
        var bySeq = (await connection.QueryAsync<long>("SELECT seq FROM journal ORDER BY xid")).ToList();

        Assert.Equal(bySeq, await ReadFeedAsync(connection));
    }

    static async Task<List<long>> ReadFeedAsync(NpgsqlConnection connection)
    {
        var seen = new List<long>();
        (string Xid, long Seq) cursor = ("0", 0);
        while (true)
        {
            // The cursor travels as text, under a name of its own: an output column named xid (as `xid::text` is)
            // would be what ORDER BY xid sorts, as text, while WHERE compares xid8 numbers, so the walk would stop
            // at the last xid in text order ('1044') and never return the rows of xids 965..999.
            var page = (await connection.QueryAsync<(string Xid, long Seq)>("""
                SELECT xid::text AS cursor_xid, seq FROM journal
                 WHERE (xid, seq) > (@xid::xid8, @seq) AND xid < pg_snapshot_xmin(pg_current_snapshot())
                 ORDER BY journal.xid, journal.seq LIMIT 7
                """, new { xid = cursor.Xid, seq = cursor.Seq })).ToList();
            if (page.Count == 0)
                break;
            seen.AddRange(page.Select(p => p.Seq));
            cursor = page[^1];
        }
        return seen;
    }
}
