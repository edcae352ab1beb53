using System.Net;
using Dapper;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Reliability;

/// <summary>
/// Many clients at once on the same resource: the database's unique index and row locks decide, so exactly one create
/// or conditional write wins, no membership change is lost, and nothing answers 500 — also across two servers.
/// </summary>
public class ConcurrencyTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    const int Clients = 40;

    [Fact]
    public async Task Post_SameUserNameInDifferentCases_CreatesExactlyOne_OthersAre409Uniqueness()
    {
        await using var host = App.UnthrottledHost();
        using var client = host.CreateClient(App.Token);

        var answers = await AllAtOnceAsync(Clients, async i =>
        {
            using var response = await client.PostScimAsync(Urls.Users, new { schemas = new[] { UserUrn }, userName = Casing("race.user@example.com", i) });
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        });

        Report("POST same userName", answers);
        Assert.Single(answers, a => a.Status == HttpStatusCode.Created);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a =>
        {
            Assert.Equal(HttpStatusCode.Conflict, a.Status);
            Assert.Contains("\"uniqueness\"", a.Body);
        });
        await using var connection = await App.OpenConnectionAsync();
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE lower(user_name) = 'race.user@example.com'"));
    }

    /// <summary>Each client adds one member at once, through one server or alternately through two on one database.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task PatchAddMembers_EachClientAddsOne_NoMemberLost(int servers)
    {
        await using var first = App.UnthrottledHost();
        await using var second = servers == 2 ? App.UnthrottledHost() : null;
        using var one = first.CreateClient(App.Token);
        using var two = second?.CreateClient(App.Token);
        var users = await CreateUsersAsync(one, $"adder-{servers}", Clients);
        var group = (await one.CreateGroupAsync($"Race adders through {servers}")).Id();

        var answers = await AllAtOnceAsync(Clients, i =>
            PatchAsync(i % 2 == 1 && two is not null ? two : one, group, new { op = "add", path = "members", value = new[] { new { value = users[i] } } }));

        Report($"PATCH add one member each through {servers} server(s)", answers);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NoContent, a.Status));
        Assert.Equal(users.Order(), await MembersAsync(group));
    }

    [Fact]
    public async Task PatchMembers_MixOfAddsAndRemoves_EndsWithExactlyTheExpectedMembers()
    {
        await using var host = App.UnthrottledHost();
        using var client = host.CreateClient(App.Token);
        var leaving = await CreateUsersAsync(client, "leaver", Clients / 2);
        var joining = await CreateUsersAsync(client, "joiner", Clients / 2);
        var group = (await client.CreateGroupAsync("Race mix", leaving)).Id();

        var answers = await AllAtOnceAsync(Clients, i => i % 2 == 0
            ? PatchAsync(client, group, new { op = "add", path = "members", value = new[] { new { value = joining[i / 2] } } })
            // Okta removes by filter, Entra by a value list: both at once.
            : i % 4 == 1
                ? PatchAsync(client, group, new { op = "remove", path = $"members[value eq \"{leaving[i / 2]}\"]" })
                : PatchAsync(client, group, new { op = "Remove", path = "members", value = new[] { new { value = leaving[i / 2] } } }));

        Report("PATCH add/remove mix", answers);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.NoContent, a.Status));
        Assert.Equal(joining.Order(), await MembersAsync(group));
    }

    [Theory]
    [InlineData("Users")]
    [InlineData("Groups")]
    public async Task Put_ManyWithTheSameIfMatch_ExactlyOneSucceeds_Others412(string resource)
    {
        await using var host = App.UnthrottledHost();
        using var client = host.CreateClient(App.Token);
        var created = resource == "Users" ? await client.CreateUserAsync("put.race@example.com") : await client.CreateGroupAsync("Put race");
        var id = created.Id();
        var etag = created.GetProperty("meta").GetProperty("version").GetString()!;

        var answers = await AllAtOnceAsync(Clients, async i =>
        {
            // Each writer changes something different, so every one of them would move the version.
            object body = resource == "Users"
                ? new { schemas = new[] { UserUrn }, userName = "put.race@example.com", displayName = $"Writer {i}" }
                : new { schemas = new[] { GroupUrn }, displayName = $"Put race {i}" };
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/scim/v2/{resource}/{id}") { Content = HttpExtensions.ScimContent(body) };
            request.Headers.TryAddWithoutValidation("If-Match", etag);
            using var response = await client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        });

        Report($"PUT {resource} with one If-Match", answers);
        Assert.Single(answers, a => a.Status == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.PreconditionFailed, a.Status));
    }

    /// <summary>Starts <paramref name="count"/> requests together (released by one gate) and collects every answer.</summary>
    static async Task<(HttpStatusCode Status, string Body)[]> AllAtOnceAsync(int count, Func<int, Task<(HttpStatusCode, string)>> send)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await send(i);
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }

    static async Task<(HttpStatusCode, string)> PatchAsync(HttpClient client, string group, object operation)
    {
        using var response = await client.PatchScimAsync(Urls.Group(group), HttpExtensions.PatchOp(operation));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    static async Task<string[]> CreateUsersAsync(HttpClient client, string prefix, int count)
    {
        var ids = new string[count];
        for (var i = 0; i < count; i++)
            ids[i] = (await client.CreateUserAsync($"{prefix}-{i}@example.com")).Id();
        return ids;
    }

    /// <summary>The group's members as link rows in the database, in id order.</summary>
    async Task<string[]> MembersAsync(string group)
    {
        await using var connection = await App.OpenConnectionAsync();
        var members = await connection.QueryAsync<Guid>(
            "SELECT coalesce(user_id, member_group_id) FROM link WHERE group_id = @group", new { group = Guid.Parse(group) });
        return members.Select(m => m.ToString()).Order().ToArray();
    }

    /// <summary>The text with its n-th letter upper-cased when bit n of <paramref name="i"/> is set: a different case per client.</summary>
    static string Casing(string text, int i)
    {
        var letter = 0;
        return string.Concat(text.Select(c => char.IsLetter(c) && ((i >> letter++) & 1) == 1 ? char.ToUpperInvariant(c) : c));
    }

    void Report(string what, (HttpStatusCode Status, string Body)[] answers)
    {
        output.WriteLine($"{what}: {answers.Length} requests; " +
            string.Join(", ", answers.GroupBy(a => (int)a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}")));
        Assert.DoesNotContain(answers, a => (int)a.Status >= 500);
    }
}
