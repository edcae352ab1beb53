using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ScimLite.Status;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Status;

/// <summary>
/// The chart's numbers: every journal row counted once into journal_hourly by following the change feed, what is not
/// counted yet read live, hours older than 7 days left out, and the per-client counters of this instance.
/// </summary>
public class ActivityRollupTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task EveryJournalRow_IsCountedOnce_InTheHourOfItsTime_LateOnesToo()
    {
        var threeAgo = ActivitySeed.HourAgo(3);
        var dayAgo = ActivitySeed.HourAgo(30);
        await App.JournalAsync(threeAgo.AddMinutes(5), "created", 3);
        await App.JournalAsync(threeAgo.AddMinutes(59), "deactivated", 2);
        await App.JournalAsync(threeAgo.AddMinutes(20), "renamed", 1);
        await App.JournalAsync(dayAgo.AddMinutes(30), "members_added", 4, "Group");
        await App.JournalAsync(ActivitySeed.HourAgo(24 * 8), "deleted", 9);
        await App.JournalAsync(DateTime.UtcNow.AddSeconds(-1), "reactivated", 1);
        await using var host = App.StartAdmin();
        var rollup = host.Services.GetRequiredService<ActivityRollup>();
        await using var connection = await App.OpenConnectionAsync();
        await CountAllAsync(rollup, connection);

        var hours = await ActivityQuery.ReadAsync(connection, DateTime.UtcNow, CancellationToken.None);
        Assert.Equal(7 * 24 + 1, hours.Count);
        Assert.All(hours, h => Assert.True(h.Counted, $"{h.Hour:u} not counted"));
        Assert.Equal(new HourCounts(threeAgo, 3, 2, 0, 0, 0, 0, 1), hours.Single(h => h.Hour == threeAgo));
        Assert.Equal(4, hours.Single(h => h.Hour == dayAgo).MembersAdded);
        Assert.Equal(1, hours[^1].Reactivated);
        Assert.Equal(11, hours.Sum(h => h.Total)); // the 8-day-old rows are outside the window

        // A row written into an hour already counted (a late commit) is read live at once, and counted once by the
        // next run: never lost, never twice.
        await App.JournalAsync(threeAgo.AddMinutes(30), "created", 1);
        hours = await ActivityQuery.ReadAsync(connection, DateTime.UtcNow, CancellationToken.None);
        Assert.Equal(4, hours.Single(h => h.Hour == threeAgo).Created);
        await CountAllAsync(rollup, connection);
        Assert.Equal(0, await rollup.RollUpAsync(CancellationToken.None));
        Assert.Equal(4, await connection.ExecuteScalarAsync<long>("SELECT created FROM journal_hourly WHERE hour = @threeAgo", new { threeAgo }));
        hours = await ActivityQuery.ReadAsync(connection, DateTime.UtcNow, CancellationToken.None);
        Assert.Equal(new HourCounts(threeAgo, 4, 2, 0, 0, 0, 0, 1), hours.Single(h => h.Hour == threeAgo));
    }

    [Fact]
    public async Task ARollupFarBehind_CountsInBatches_AndThePageSaysWhatIsNotCountedYet()
    {
        var twoAgo = ActivitySeed.HourAgo(2);
        await App.JournalAsync(twoAgo.AddMinutes(1), "created", ActivityQuery.LiveCap + 5);
        await using var connection = await App.OpenConnectionAsync();
        var hours = await ActivityQuery.ReadAsync(connection, DateTime.UtcNow, CancellationToken.None);
        Assert.False(hours.Single(h => h.Hour == twoAgo).Counted);
        Assert.True(hours.Single(h => h.Hour == twoAgo.AddHours(-1)).Counted);

        await using var host = App.StartAdmin();
        await CountAllAsync(host.Services.GetRequiredService<ActivityRollup>(), connection);
        Assert.Equal(ActivityQuery.LiveCap + 5, await connection.ExecuteScalarAsync<long>("SELECT created FROM journal_hourly WHERE hour = @twoAgo", new { twoAgo }));
        hours = await ActivityQuery.ReadAsync(connection, DateTime.UtcNow, CancellationToken.None);
        Assert.All(hours, h => Assert.True(h.Counted));
        Assert.Equal(ActivityQuery.LiveCap + 5, hours.Single(h => h.Hour == twoAgo).Created);
    }

    /// <summary>
    /// Runs the rollup until its position is the journal's last row. The host's own run may hold the position's lock
    /// meanwhile (then this one returns at once), so it tries again for a while.
    /// </summary>
    static async Task CountAllAsync(ActivityRollup rollup, Npgsql.NpgsqlConnection connection)
    {
        const string CaughtUp = """
            SELECT coalesce((SELECT (p.xid, p.seq) = (j.xid, j.seq) FROM journal_hourly_position p,
                   (SELECT xid, seq FROM journal ORDER BY xid DESC, seq DESC LIMIT 1) AS j), false)
            """;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await rollup.RollUpAsync(CancellationToken.None);
            if (await connection.ExecuteScalarAsync<bool>(CaughtUp))
                return;
            await Task.Delay(100);
        }
        Assert.Fail("The rollup did not reach the journal's last row within 10 s.");
    }

    [Fact]
    public void ClientActivity_CountsRequestsAndFailuresPerClient_OverTheLastHourAndDay()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
        var activity = new ClientActivity(clock);
        activity.Record("okta", 200);
        activity.Record("okta", 400);
        clock.Now += TimeSpan.FromHours(2);
        activity.Record("okta", 201);
        activity.Record(null, 401);
        Assert.Equal(new ClientCounts(1, 0), activity.Over("okta", TimeSpan.FromHours(1)));
        Assert.Equal(new ClientCounts(3, 1), activity.Over("okta", TimeSpan.FromDays(1)));
        Assert.Equal(new ClientCounts(1, 1), activity.Over("-", TimeSpan.FromDays(1)));
        Assert.Equal(clock.Now.UtcDateTime, activity.LastRequest("okta"));
        clock.Now += TimeSpan.FromDays(1);
        Assert.Equal(new ClientCounts(0, 0), activity.Over("okta", TimeSpan.FromDays(1)));
        // The bucket a new day reuses starts from zero.
        activity.Record("okta", 500);
        Assert.Equal(new ClientCounts(1, 1), activity.Over("okta", TimeSpan.FromDays(1)));
        Assert.Equal(new ClientCounts(0, 0), activity.Over("entra", TimeSpan.FromDays(1)));
    }

    sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }
}
