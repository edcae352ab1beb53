using System.Net;
using System.Text.RegularExpressions;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Safety;

/// <summary>
/// The brake counts established people only: users created, and memberships made, more than the grace ago (default:
/// the window). What a test suite or an undone import creates and removes again never engages it; a mass removal of
/// people who have been there still does, at the documented threshold; `brake status` says what it counted.
/// </summary>
public partial class BrakeEstablishedTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task SixtyUsersCreatedThenDeleted_OnATwentyUserDatabase_AreNotCounted_TheBrakeStaysDisengaged()
    {
        var established = await App.SeedEstablishedUsersAsync(20);
        var group = (await Client.CreateGroupAsync("Suite", established.Take(5).Select(id => id.ToString()).ToArray())).Id();

        for (var i = 0; i < 60; i++)
        {
            var id = (await Client.CreateUserAsync($"suite{i}@example.com")).Id();
            using (var add = await Client.PatchScimAsync(Urls.Group(group),
                       HttpExtensions.PatchOp(new { op = "add", path = "members", value = new[] { new { value = id } } })))
                await add.AssertStatusAsync(HttpStatusCode.NoContent);
            using (var off = await Client.PatchScimAsync(Urls.User(id), SafetyKit.Deactivate))
                await off.AssertStatusAsync(HttpStatusCode.OK);
            using (var remove = await Client.PatchScimAsync(Urls.Group(group),
                       HttpExtensions.PatchOp(new { op = "remove", path = $"members[value eq \"{id}\"]" })))
                await remove.AssertStatusAsync(HttpStatusCode.NoContent);
            using var delete = await Client.DeleteAsync(Urls.User(id));
            await delete.AssertStatusAsync(HttpStatusCode.NoContent);
        }
        // The group's fresh memberships of established users go too: made within the grace, not counted.
        using (var delete = await Client.DeleteAsync(Urls.Group(group)))
            await delete.AssertStatusAsync(HttpStatusCode.NoContent);

        Assert.Equal(0L, await App.ScalarAsync<long>("SELECT count(*) FROM deprovisioning_events"));
        Assert.False(await App.ScalarAsync<bool>("SELECT coalesce((SELECT engaged FROM brake), false)"));
        Assert.Equal(20L, await App.ScalarAsync<long>("SELECT count(*) FROM users WHERE active"));
    }

    [Fact]
    public async Task FourHundredUsersCreatedYesterday_SixtyDeactivationsInAMinute_EngageAtTheFiftyFirst_StatusSaysWhatItCounted()
    {
        var ids = await App.SeedEstablishedUsersAsync(400);
        // Fresh users are active but not established: they are not in the denominator.
        await App.SeedUsersAsync(30, "fresh");

        var codes = new List<HttpStatusCode>();
        foreach (var id in ids.Take(60))
        {
            using var response = await Client.PatchScimAsync(Urls.User(id), SafetyKit.Deactivate);
            codes.Add(response.StatusCode);
        }

        Assert.All(codes.Take(50), code => Assert.Equal(HttpStatusCode.OK, code));
        Assert.All(codes.Skip(50), code => Assert.Equal(HttpStatusCode.ServiceUnavailable, code));
        Assert.True(await App.ScalarAsync<bool>("SELECT engaged FROM brake"));
        Assert.Equal(10L, await App.ScalarAsync<long>("SELECT held FROM brake"));
        var reason = await App.ScalarAsync<string>("SELECT reason FROM brake");
        Assert.Contains("51 deprovisionings of established users and memberships", reason);
        Assert.Contains("more than 50 and more than 10 % of the 400 established users who were active", reason);

        var (code, status) = await App.VerbAsync("brake", "status");
        Assert.Equal(0, code);
        Assert.Contains("50 deprovisionings of established users and memberships — 50 users deactivated, 0 users deleted, 0 memberships removed", status);
        Assert.Contains("established users who were active: 400 (350 active now + 50 deactivated or deleted since); 30 more active users are younger than the grace", status);
        Assert.Contains("more than 15 min ago (the grace, Scim:Brake:GraceMinutes)", status);
        Assert.Contains("more than 50 and more than 10 % of the established users who were active are deprovisioned within 15 min", status);
        // One time format everywhere, to the second: no ISO 'T'/'Z', no offsets, no fractions.
        var times = Timestamp().Matches(status);
        Assert.True(times.Count >= 4, status);
        Assert.DoesNotMatch(@"\d\d:\d\d:\d\d(\.\d|[+-]\d\d|Z)|\dT\d", status);
    }

    [Fact]
    public async Task GraceMinutesZero_CountsEveryone_AsBefore()
    {
        await using var host = App.NewHost(new Dictionary<string, string?>
        {
            ["Scim:Brake:GraceMinutes"] = "0",
            ["Scim:Brake:Count"] = "5",
        });
        using var client = host.CreateClient(App.Token);
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            var id = (await client.CreateUserAsync($"quick{i}@example.com")).Id();
            using var delete = await client.DeleteAsync(Urls.User(id));
            codes.Add(delete.StatusCode);
        }

        Assert.Equal(5, codes.Count(c => c == HttpStatusCode.NoContent));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, codes[5]);
        var (_, status) = await App.VerbAsync("brake", "status");
        Assert.Contains("more than 0 min ago (the grace", status);
    }

    [Fact]
    public async Task MaintainedActiveCount_EqualsTheActiveUsers_AfterCreatesDeactivationsReactivationsDeletesAndRestores()
    {
        const string Maintained = "SELECT coalesce(sum(n), 0) FROM resource_counts WHERE table_name = 'users_active'";
        const string Counted = "SELECT count(*) FROM users WHERE active";
        var seeded = await App.SeedEstablishedUsersAsync(10);
        var created = (await Client.CreateUserAsync("counted@example.com")).Id();
        using (var off = await Client.PatchScimAsync(Urls.User(seeded[0]), SafetyKit.Deactivate))
            await off.AssertStatusAsync(HttpStatusCode.OK);
        using (var again = await Client.PatchScimAsync(Urls.User(seeded[0]), SafetyKit.Deactivate))
            await again.AssertStatusAsync(HttpStatusCode.OK);
        using (var off = await Client.PatchScimAsync(Urls.User(seeded[1]), SafetyKit.Deactivate))
            await off.AssertStatusAsync(HttpStatusCode.OK);
        using (var on = await Client.PatchScimAsync(Urls.User(seeded[1]), SafetyKit.Reactivate))
            await on.AssertStatusAsync(HttpStatusCode.OK);
        using (var delete = await Client.DeleteAsync(Urls.User(seeded[2])))
            await delete.AssertStatusAsync(HttpStatusCode.NoContent);
        using (var delete = await Client.DeleteAsync(Urls.User(seeded[0])))
            await delete.AssertStatusAsync(HttpStatusCode.NoContent);
        using (var delete = await Client.DeleteAsync(Urls.User(created)))
            await delete.AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.Equal(0, (await App.VerbAsync("restore", "user", seeded[2].ToString())).Code);
        await App.ScalarAsync<int>("UPDATE users SET active = NOT active WHERE id = ANY(@ids) RETURNING 1", new { ids = seeded[3..6] });

        Assert.Equal(6L, await App.ScalarAsync<long>(Counted));
        Assert.Equal(await App.ScalarAsync<long>(Counted), await App.ScalarAsync<long>(Maintained));
    }

    [GeneratedRegex(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC")]
    private static partial Regex Timestamp();
}
