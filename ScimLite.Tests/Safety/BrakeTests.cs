using System.Net;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ScimHosts;

namespace ScimLite.Tests.Safety;

/// <summary>
/// The deprovisioning brake with its default settings (more than 50 and more than 10 % of the established active users
/// within 15 min; established: created more than 15 min ago):
/// a storm engages it exactly at the threshold, what it refuses changes nothing, the rest keeps working, an operator's
/// release lets the identity provider's retries through, and every instance obeys the one state in the database.
/// </summary>
public class BrakeTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task Storm_OfDeactivationsFromSeveralClients_EngagesAtThreshold_RefusedChangeNothing_ReleaseLetsRetriesThrough()
    {
        var ids = await App.SeedEstablishedUsersAsync(200);
        await using var second = App.UnthrottledHost();
        var clients = new[] { App.CreateClient(), App.CreateClient(), second.CreateClient(App.Token), second.CreateClient(App.Token) };
        var storm = ids.Take(80).ToArray();

        var answers = await Task.WhenAll(storm.Select(async (id, i) =>
        {
            using var response = await clients[i % clients.Length].PatchScimAsync(Urls.User(id), SafetyKit.Deactivate);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                await response.AssertScimErrorAsync();
                Assert.True(response.RetryAfterSeconds() > 0);
                Assert.Contains("deprovisioning brake", await response.Content.ReadAsStringAsync());
            }
            return (id, response.StatusCode);
        }));

        Assert.Equal(50, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(30, answers.Count(a => a.StatusCode == HttpStatusCode.ServiceUnavailable));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).Select(a => a.id).ToArray();
        Assert.Equal(50L, await App.ScalarAsync<long>("SELECT count(*) FROM users WHERE NOT active"));
        Assert.Equal(0L, await App.ScalarAsync<long>("SELECT count(*) FROM users WHERE id = ANY(@refused) AND (NOT active OR version <> 1)", new { refused }));
        Assert.True(await App.ScalarAsync<bool>("SELECT engaged FROM brake"));
        Assert.Equal(30L, await App.ScalarAsync<long>("SELECT held FROM brake"));

        var (code, status) = await App.VerbAsync("brake", "status");
        Assert.Equal(0, code);
        Assert.Contains("ENGAGED", status);
        Assert.Contains("30 refused requests", status);
        Assert.Contains("50 users deactivated", status);

        (code, var released) = await App.VerbAsync("brake", "release");
        Assert.Equal(0, code);
        Assert.Contains("released", released);
        foreach (var id in refused)
        {
            using var retry = await clients[0].PatchScimAsync(Urls.User(id), SafetyKit.Deactivate);
            await retry.AssertStatusAsync(HttpStatusCode.OK);
        }
        Assert.Equal(80L, await App.ScalarAsync<long>("SELECT count(*) FROM users WHERE NOT active"));
        Assert.False(await App.ScalarAsync<bool>("SELECT engaged FROM brake"));
        foreach (var client in clients)
            client.Dispose();
    }

    [Fact]
    public async Task Engaged_CreatesUpdatesReactivationsAndSmallRemovalsPass_DeletesAndBulkRemovalsAre503()
    {
        var ids = await App.SeedUsersAsync(20, "person");
        var group = await Client.CreateGroupAsync("Everyone", ids.Select(id => id.ToString()).ToArray());
        var groupId = group.GetProperty("id").GetString();
        using (var off = await Client.PatchScimAsync(Urls.User(ids[0]), SafetyKit.Deactivate))
            await off.AssertStatusAsync(HttpStatusCode.OK);
        Assert.Equal(0, (await App.VerbAsync("brake", "engage", "--reason", "test")).Code);

        using (var on = await Client.PatchScimAsync(Urls.User(ids[0]), SafetyKit.Reactivate))
            await on.AssertStatusAsync(HttpStatusCode.OK);
        await Client.CreateUserAsync("new.hire@example.com");
        using (var rename = await Client.PatchScimAsync(Urls.User(ids[1]),
                   HttpExtensions.PatchOp(new { op = "replace", path = "displayName", value = "Renamed" })))
            await rename.AssertStatusAsync(HttpStatusCode.OK);
        using (var one = await Client.PatchScimAsync(Urls.Group(groupId),
                   HttpExtensions.PatchOp(new { op = "remove", path = $"members[value eq \"{ids[2]}\"]" })))
            await one.AssertStatusAsync(HttpStatusCode.NoContent);

        using (var off = await Client.PatchScimAsync(Urls.User(ids[3]), SafetyKit.Deactivate))
            await AssertHeldAsync(off);
        using (var delete = await Client.DeleteAsync(Urls.User(ids[3])))
            await AssertHeldAsync(delete);
        using (var bulk = await Client.PatchScimAsync(Urls.Group(groupId), HttpExtensions.PatchOp(
                   new { op = "remove", path = "members", value = ids.Skip(3).Take(11).Select(id => new { value = id }).ToArray() })))
            await AssertHeldAsync(bulk);
        using (var deleteGroup = await Client.DeleteAsync(Urls.Group(groupId)))
            await AssertHeldAsync(deleteGroup);

        Assert.Equal(20L, await App.ScalarAsync<long>("SELECT count(*) FROM users WHERE active AND user_name LIKE 'person%'"));
        Assert.Equal(19L, await App.ScalarAsync<long>("SELECT count(*) FROM link"));
        Assert.Equal(0L, await App.ScalarAsync<long>("SELECT count(*) FROM tombstones"));
        Assert.Equal(4L, await App.ScalarAsync<long>("SELECT held FROM brake"));
    }

    [Fact]
    public async Task TwoHosts_ShareTheBrake_EngagedAndReleasedInTheDatabase()
    {
        var ids = await App.SeedUsersAsync(4, "person");
        await using var other = App.UnthrottledHost();
        using var first = App.CreateClient();
        using var second = other.CreateClient(App.Token);
        Assert.Equal(0, (await App.VerbAsync("brake", "engage")).Code);

        using (var a = await first.PatchScimAsync(Urls.User(ids[0]), SafetyKit.Deactivate))
            await AssertHeldAsync(a);
        using (var b = await second.PatchScimAsync(Urls.User(ids[1]), SafetyKit.Deactivate))
            await AssertHeldAsync(b);

        Assert.Equal(0, (await App.VerbAsync("brake", "release")).Code);
        using (var a = await first.PatchScimAsync(Urls.User(ids[0]), SafetyKit.Deactivate))
            await a.AssertStatusAsync(HttpStatusCode.OK);
        using (var b = await second.DeleteAsync(Urls.User(ids[1])))
            await b.AssertStatusAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Disabled_NothingIsCountedOrRefused()
    {
        var ids = await App.SeedUsersAsync(60, "person");
        await using var host = App.NewHost(new Dictionary<string, string?> { ["Scim:Brake:Enabled"] = "false" });
        using var client = host.CreateClient(App.Token);
        foreach (var id in ids)
        {
            using var response = await client.PatchScimAsync(Urls.User(id), SafetyKit.Deactivate);
            await response.AssertStatusAsync(HttpStatusCode.OK);
        }
        Assert.Equal(0L, await App.ScalarAsync<long>("SELECT count(*) FROM deprovisioning_events"));
    }

    static async Task AssertHeldAsync(HttpResponseMessage response)
    {
        await response.AssertStatusAsync(HttpStatusCode.ServiceUnavailable);
        await response.AssertScimErrorAsync();
        Assert.True(response.RetryAfterSeconds() > 0);
    }
}
