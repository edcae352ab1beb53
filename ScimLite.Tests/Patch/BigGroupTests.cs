using System.Net;
using Dapper;
using Xunit.Abstractions;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Patch;

/// <summary>
/// Membership changes cost what the named member costs, never what the group holds (IDP-BEHAVIOUR.md: "22 s to add
/// one user to a 1,300-member group"). A 100,000-member group and a 10-member group get the same one-member PATCHes;
/// the executed plans of every statement the server runs (see <see cref="ExplainedHost"/>) must read only a handful
/// of link rows, by index. Row counts from EXPLAIN ANALYZE are deterministic where timings are not.
/// </summary>
public sealed class BigGroupTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    const int BigSize = 100_000;
    const int SmallSize = 10;
    const int MaxLinkRowsRead = 10;
    const int MaxUserRowsRead = 10;


    // 100,000 users are not left behind for the next class's reset to wade through.
    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await App.ResetAsync();
    }

    sealed record Arranged(string Big, string Small, string Newcomer);

    /// <summary>
    /// The big group's users and links go in by SQL (seconds, not minutes through the API); the small group and the
    /// user to add and remove through the API.
    /// </summary>
    async Task<Arranged> ArrangeAsync(HttpClient client)
    {
        var big = (await client.CreateGroupAsync("Everyone")).Id();
        await using (var connection = await App.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                WITH made AS (
                    INSERT INTO users (id, user_name, created, last_modified)
                    SELECT gen_random_uuid(), 'u' || g, now(), now() FROM generate_series(1, @size) AS g
                    RETURNING id)
                INSERT INTO link (group_id, user_id) SELECT @big, id FROM made
                """, new { size = BigSize, big = Guid.Parse(big) }, commandTimeout: 120);
            // Autovacuum analyzes after a load like this; doing it now makes the planner's choice the production one
            // rather than a race with the autovacuum daemon.
            await connection.ExecuteAsync("ANALYZE users; ANALYZE groups; ANALYZE link;", commandTimeout: 120);
        }
        string[] ten;
        await using (var connection = await App.OpenConnectionAsync())
            ten = (await connection.QueryAsync<Guid>("SELECT id FROM users ORDER BY user_name LIMIT @n", new { n = SmallSize })).Select(id => id.ToString()).ToArray();
        var small = (await client.CreateGroupAsync("Ten", ten)).Id();
        var newcomer = (await client.CreateAsync(Urls.Users, """{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"newcomer@example.com"}"""))
            .Id();
        return new Arranged(big, small, newcomer);
    }

    static string Describe(IEnumerable<ExecutedPlan> plans) => string.Join("\n", plans.SelectMany(p => p.Scans.Select(s =>
        $"{s.NodeType} on {s.Relation}{(s.Index is null ? "" : $" using {s.Index}")}: {s.RowsRead} rows — {Shorten(p.Query)}")));

    static string Shorten(string query)
    {
        var flat = string.Join(" ", query.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 140 ? flat : flat[..140] + "…";
    }

    static double RowsRead(IEnumerable<ExecutedPlan> plans, string relation) =>
        plans.SelectMany(p => p.Scans).Where(s => s.Relation == relation).Sum(s => s.RowsRead);

    /// <summary>Sends the PATCH through the explaining host and asserts that it read a handful of rows, by index.</summary>
    async Task<double> AssertCheapAsync(ExplainedHost host, HttpClient client, string groupId, string body, string what, int maxLinkRows)
    {
        var plans = await host.CaptureAsync(() => client.PatchAsync(Urls.Group(groupId), body, HttpStatusCode.NoContent));
        output.WriteLine($"{what}:\n{Describe(plans)}\n");
        var scans = plans.SelectMany(p => p.Scans).ToList();
        Assert.True(scans.Count > 0, $"{what}: no table was read at all?\n{Describe(plans)}");
        Assert.DoesNotContain(scans, s => s.NodeType == "Seq Scan" && s.Relation is "link" or "users");
        var link = RowsRead(plans, "link");
        Assert.True(link <= maxLinkRows, $"{what} read {link} rows of link:\n{Describe(plans)}");
        Assert.True(RowsRead(plans, "users") <= MaxUserRowsRead, $"{what} read too many users:\n{Describe(plans)}");
        return link;
    }

    static async Task<bool> IsMemberAsync(ScimApp app, string groupId, string userId)
    {
        await using var connection = await app.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM link WHERE group_id = @g AND user_id = @u)",
            new { g = Guid.Parse(groupId), u = Guid.Parse(userId) });
    }

    [Fact]
    public async Task Patch_AddAndRemoveOneMember_ReadsAHandfulOfLinkRows_On100kGroupAsOn10MemberGroup()
    {
        using var setupClient = App.CreateClient();
        var arranged = await ArrangeAsync(setupClient);
        await using var host = new ExplainedHost(App);
        using var client = host.CreateClient();
        var n = arranged.Newcomer;
        var forms = new (string What, string Add, string Remove)[]
        {
            ("Okta", $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"{{n}}","display":"newcomer@example.com"}]}]}""",
                $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \"{{n}}\"]"}]}"""),
            ("Entra", $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"members","value":[{"$ref":null,"value":"{{n}}"}]}]}""",
                $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Remove","path":"members","value":[{"value":"{{n}}"}]}]}"""),
        };

        var report = new List<string>();
        foreach (var (what, add, remove) in forms)
        {
            // The small group may be read whole (its 10 rows and the newcomer's): the planner rightly finds that cheap.
            foreach (var (name, group, max) in new[] { ("100,000 members", arranged.Big, MaxLinkRowsRead), ("10 members", arranged.Small, SmallSize + 1) })
            {
                var added = await AssertCheapAsync(host, client, group, add, $"{what} add on {name}", max);
                Assert.True(await IsMemberAsync(App, group, n));
                var redundant = await AssertCheapAsync(host, client, group, add, $"{what} redundant add on {name}", max);
                var removed = await AssertCheapAsync(host, client, group, remove, $"{what} remove on {name}", max);
                Assert.False(await IsMemberAsync(App, group, n));
                report.Add($"{what} on {name}: add {added}, re-add {redundant}, remove {removed} link rows");
            }
        }

        await using var connection = await App.OpenConnectionAsync();
        Assert.Equal(BigSize, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM link WHERE group_id = @g", new { g = Guid.Parse(arranged.Big) }));
        output.WriteLine(string.Join("\n", report));
    }

    [Fact]
    public async Task Get_100kGroupExcludingMembers_ReturnsNoMembersAndReadsNoLinkRow()
    {
        using var setupClient = App.CreateClient();
        var arranged = await ArrangeAsync(setupClient);
        await using var host = new ExplainedHost(App);
        using var client = host.CreateClient();

        System.Text.Json.JsonElement group = default;
        var plans = await host.CaptureAsync(async () => group = await client.GetJsonAsync($"{Urls.Groups}/{arranged.Big}?excludedAttributes=members"));

        Assert.False(group.TryGetProperty("members", out _));
        Assert.Equal("Everyone", group.Str("displayName"));
        Assert.DoesNotContain(plans.SelectMany(p => p.Scans), s => s.Relation == "link");

        System.Text.Json.JsonElement list = default;
        plans = await host.CaptureAsync(async () => list = await client.GetJsonAsync(
            $"{Urls.Groups}?excludedAttributes=members&filter=displayName%20eq%20%22Everyone%22"));
        Assert.Equal(1, list.GetProperty("totalResults").GetInt32());
        Assert.False(list.GetProperty("Resources")[0].TryGetProperty("members", out _));
        Assert.DoesNotContain(plans.SelectMany(p => p.Scans), s => s.Relation == "link");
    }
}
