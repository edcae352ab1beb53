using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ScimLite.Status;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Status;

/// <summary>
/// The chart's numbers: closed hours counted once into journal_hourly, the current hour read live, hours older than
/// 7 days left out, and the per-client counters of this instance.
/// </summary>
public class ActivityRollupTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task ClosedHours_AreCountedOnce_AndTheCurrentHourLive()
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
        await rollup.RollUpAsync(CancellationToken.None);

        await using var connection = await App.OpenConnectionAsync();
        var hours = await ActivityQuery.ReadAsync(connection, DateTime.UtcNow, CancellationToken.None);
        Assert.Equal(7 * 24 + 1, hours.Count);
        Assert.All(hours.SkipLast(2), h => Assert.True(h.Counted, $"{h.Hour:u} not counted"));
        Assert.Equal(new HourCounts(threeAgo, 3, 2, 0, 0, 0, 0, 1), hours.Single(h => h.Hour == threeAgo));
        Assert.Equal(4, hours.Single(h => h.Hour == dayAgo).MembersAdded);
        Assert.Equal(1, hours[^1].Reactivated);
        Assert.Equal(11, hours.Sum(h => h.Total)); // the 8-day-old rows are outside the window

        // Rolled once: a row written into a counted hour later is not counted again (the hour was settled).
        await App.JournalAsync(threeAgo.AddMinutes(30), "created", 1);
        Assert.Equal(0, await rollup.RollUpAsync(CancellationToken.None));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM journal_hourly WHERE hour = @threeAgo AND created = 3", new { threeAgo }));
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
