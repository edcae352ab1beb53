using System.Diagnostics.Metrics;
using System.Net;
using Npgsql;
using ScimLite.Safety;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Safety;

/// <summary>
/// The brake exact under hostile input: small membership removals pass while engaged however it engaged, nested groups
/// cannot carry people past it, and a burst of concurrent deactivations engages it exactly at the threshold with every
/// refused request counted as held.
/// </summary>
public class BrakeHostileTests(ScimApp app) : ScimTest(app)
{
    static object Remove(string member) => HttpExtensions.PatchOp(new { op = "remove", path = $"members[value eq \"{member}\"]" });

    [Fact]
    public async Task EngagedByThreshold_OneMemberRemovalPasses_BulkRemovalIsHeld()
    {
        var ids = await App.SeedEstablishedUsersAsync(100);
        var group = (await Client.CreateGroupAsync("Everyone", ids.Take(20).Select(id => id.ToString()).ToArray())).Id();
        await App.BackdateMembershipsAsync();
        foreach (var id in ids.Skip(20).Take(51))
        {
            using var response = await Client.PatchScimAsync(Urls.User(id), SafetyKit.Deactivate);
            Assert.Contains(response.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable });
        }
        Assert.True(await App.ScalarAsync<bool>("SELECT engaged FROM brake"));
        Assert.Equal("threshold", await App.ScalarAsync<string>("SELECT CASE WHEN reason LIKE '51 deprovisionings%' THEN 'threshold' END FROM brake"));

        using (var one = await Client.PatchScimAsync(Urls.Group(group), Remove(ids[0].ToString())))
            await one.AssertStatusAsync(HttpStatusCode.NoContent);
        using (var bulk = await Client.PatchScimAsync(Urls.Group(group), HttpExtensions.PatchOp(
                   new { op = "remove", path = "members", value = ids.Skip(1).Take(11).Select(id => new { value = id }).ToArray() })))
            await bulk.AssertStatusAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Equal(19L, await App.ScalarAsync<long>("SELECT count(*) FROM link"));
    }

    [Fact]
    public async Task Engaged_NestedGroupRemovalAndDeletingGroupsOfGroups_AreHeld_ReleasedTheyPass()
    {
        var ids = await App.SeedEstablishedUsersAsync(100);
        var staff = (await Client.CreateGroupAsync("Staff", ids.Select(id => id.ToString()).ToArray())).Id();
        var everyone = (await Client.CreateGroupAsync("Everyone", staff)).Id();
        var team = (await Client.CreateGroupAsync("Team", ids[0].ToString(), ids[1].ToString())).Id();
        var outer = (await Client.CreateGroupAsync("Outer", team)).Id();
        Assert.Equal(0, (await App.VerbAsync("brake", "engage", "--reason", "test")).Code);

        using (var nested = await Client.PatchScimAsync(Urls.Group(everyone), Remove(staff)))
            await AssertHeldAsync(nested);
        using (var groupOfGroups = await Client.DeleteAsync(Urls.Group(everyone)))
            await AssertHeldAsync(groupOfGroups);
        // Team has two user members only (a small removal), but it is a member of Outer: its people lose Outer.
        using (var member = await Client.DeleteAsync(Urls.Group(team)))
            await AssertHeldAsync(member);
        Assert.Equal(104L, await App.ScalarAsync<long>("SELECT count(*) FROM link"));
        Assert.Equal(3L, await App.ScalarAsync<long>("SELECT held FROM brake"));

        Assert.Equal(0, (await App.VerbAsync("brake", "release")).Code);
        using (var nested = await Client.PatchScimAsync(Urls.Group(everyone), Remove(staff)))
            await nested.AssertStatusAsync(HttpStatusCode.NoContent);
        using (var member = await Client.DeleteAsync(Urls.Group(outer)))
            await member.AssertStatusAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Burst_OfThreeHundredDeactivationsAtSixtyConcurrent_EngagesExactlyAtTheShare_EveryRefusalCountedAsHeld()
    {
        // 1,000 established users: the share (more than 100) is the binding threshold.
        var ids = await App.SeedEstablishedUsersAsync(1000);
        long heldMetric = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BrakeMetrics.MeterName && instrument.Name == "scimlite.brake.held")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref heldMetric, value));
        listener.Start();
        await using var second = App.UnthrottledHost();
        var clients = new[] { App.CreateClient(), second.CreateClient(App.Token) };
        using var gate = new SemaphoreSlim(60);

        var answers = await Task.WhenAll(ids.Take(300).Select(async (id, i) =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await clients[i % 2].PatchScimAsync(Urls.User(id), SafetyKit.Deactivate);
                var body = await response.Content.ReadAsStringAsync();
                return (response.StatusCode, Brake: body.Contains("deprovisioning brake", StringComparison.Ordinal));
            }
            finally
            {
                gate.Release();
            }
        }));

        Assert.Equal(100, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(200, answers.Count(a => a.StatusCode == HttpStatusCode.ServiceUnavailable && a.Brake));
        Assert.Equal(100L, await App.ScalarAsync<long>("SELECT count(*) FROM users WHERE NOT active"));
        Assert.Equal(200L, await App.ScalarAsync<long>("SELECT held FROM brake"));
        Assert.Equal(200L, Interlocked.Read(ref heldMetric));
        foreach (var client in clients)
            client.Dispose();
    }

    [Fact]
    public async Task WaitingForTheCount_WhenTheBrakeEngagesMeanwhile_IsRefusedAsHeld_OtherwiseTookTooLong()
    {
        var ids = await App.SeedEstablishedUsersAsync(100);
        // Near the threshold (more than Count / 2 in the window), so a deactivation waits for the brake's lock.
        await using (var seed = await App.OpenConnectionAsync())
            await new NpgsqlCommand("INSERT INTO deprovisioning_events (kind, n) SELECT 'deactivate', 1 FROM generate_series(1, 30)", seed).ExecuteNonQueryAsync();
        await using var host = App.NewHost(new Dictionary<string, string?> { ["Scim:RequestTimeoutSeconds"] = "4" });
        using var client = host.CreateClient(App.Token);
        await using var holder = await App.OpenConnectionAsync();
        await using var tx = await holder.BeginTransactionAsync();
        await new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('scimlite.brake'))", holder, tx).ExecuteNonQueryAsync();

        using (var waited = await client.PatchScimAsync(Urls.User(ids[0]), SafetyKit.Deactivate))
        {
            await waited.AssertStatusAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("took too long", await waited.Content.ReadAsStringAsync());
        }

        var pending = client.PatchScimAsync(Urls.User(ids[1]), SafetyKit.Deactivate);
        await WaitForLockWaiterAsync();
        Assert.Equal(0, (await App.VerbAsync("brake", "engage", "--reason", "while waiting")).Code);
        using (var held = await pending)
            await AssertHeldAsync(held);
        await tx.RollbackAsync();

        Assert.Equal(1L, await App.ScalarAsync<long>("SELECT held FROM brake"));
        Assert.Equal(0L, await App.ScalarAsync<long>("SELECT count(*) FROM users WHERE NOT active"));
    }

    async Task WaitForLockWaiterAsync()
    {
        for (var i = 0; i < 100; i++)
        {
            if (await App.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)"))
                return;
            await Task.Delay(20);
        }
        Assert.Fail("no request waited for the brake's lock");
    }

    static async Task AssertHeldAsync(HttpResponseMessage response)
    {
        await response.AssertStatusAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("deprovisioning brake", await response.Content.ReadAsStringAsync());
    }
}
