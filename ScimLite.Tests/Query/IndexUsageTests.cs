using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using ScimLite.Scim;
using ScimLite.Store;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScimLite.Tests.Query;

/// <summary>
/// The lookups identity providers send before every create (userName, externalId, emails, id, group displayName,
/// membership) compile to WHERE clauses PostgreSQL answers from an index, not a scan of 100,000 users.
/// The plans are PostgreSQL's own choice over realistic row counts and fresh statistics; no planner setting is forced.
/// </summary>
[Collection("scim")]
public class IndexUsageTests(ScimApp app, ITestOutputHelper output) : IAsyncLifetime
{
    const int Users = 100_000;
    const int Groups = 2_000;
    const string Marker = "index-usage-seed";

    // Seeding takes seconds, so the rows stay for every test of this class; any other class resets them first.
    public async Task InitializeAsync()
    {
        await using var connection = await app.OpenConnectionAsync();
        var seeded = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM groups WHERE display_name = @Marker", new { Marker }) == 1
            && await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users") == Users;
        if (seeded)
            return;
        await app.ResetAsync();
        // User i: user{i}@example.com, externalId ext{i}, one work email; in group (i % 2000), so 50 users a group;
        // every tenth group also holds the next group. Ids come from gen_random_uuid() like the server's own.
        await connection.ExecuteAsync("""
            INSERT INTO users (id, user_name, external_id, emails, created, last_modified)
            SELECT gen_random_uuid(), 'user' || i || '@example.com', 'ext' || i,
                   jsonb_build_array(jsonb_build_object('value', 'User' || i || '@Example.com', 'type', 'work', 'primary', true)),
                   now(), now()
              FROM generate_series(1, 100000) AS i;
            INSERT INTO groups (id, display_name, created, last_modified)
            SELECT gen_random_uuid(), 'group ' || i, now(), now() FROM generate_series(0, 1998) AS i;
            INSERT INTO groups (id, display_name, created, last_modified) VALUES (gen_random_uuid(), @Marker, now(), now());
            INSERT INTO link (group_id, user_id)
            SELECT g.id, u.id
              FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM users) u
              JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM groups) g ON g.n = u.n % 2000;
            INSERT INTO link (group_id, member_group_id)
            SELECT g.id, h.id
              FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM groups) g
              JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM groups) h ON h.n = g.n + 1
             WHERE g.n % 10 = 0;
            ANALYZE users;
            ANALYZE groups;
            ANALYZE link;
            """, new { Marker }, commandTimeout: 120);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string, string[]> Lookups => new()
    {
        // Okta and Entra: userName eq before creating a user.
        { "User", "userName eq \"USER4242@example.com\"", ["users_user_name_key"] },
        // Entra: externalId eq (unquoted or quoted).
        { "User", "externalId eq \"ext4242\"", ["users_external_id_idx"] },
        { "User", "externalId eq ext4242", ["users_external_id_idx"] },
        { "User", "emails.value eq \"user4242@example.com\"", ["users_email_values_idx"] },
        { "User", "emails[type eq \"work\" and value eq \"user4242@example.com\"]", ["users_email_values_idx"] },
        { "User", "id eq \"{user}\"", ["users_pkey"] },
        // Okta push and Entra: displayName eq before creating a group.
        { "Group", "displayName eq \"GROUP 42\"", ["groups_display_name_key"] },
        { "Group", "id eq \"{group}\"", ["groups_pkey"] },
        // Either member column's index serves members.value (a user id or a group id). The EXISTS with
        // (l.user_id = @p OR l.member_group_id = @p) plans as a semi-join driven from link: a BitmapOr of
        // link_user_id_idx and link_member_group_id_idx, de-duplicated, then groups_pkey per group.
        { "Group", "members.value eq \"{user}\"", ["link_user_id_idx", "link_group_user_key"] },
        { "Group", "members.value eq \"{group}\"", ["link_member_group_id_idx", "link_group_member_group_key"] },
        // Both unique indexes of link lead with group_id; either serves it.
        { "User", "groups.value eq \"{group}\"", ["link_group_user_key", "link_group_member_group_key", "link_user_id_idx"] },
    };

    [Theory]
    [MemberData(nameof(Lookups))]
    public async Task Lookup_CompiledFilter_UsesAnIndexNotASeqScan(string typeName, string filterTemplate, string[] expectedIndexes)
    {
        await using var connection = await app.OpenConnectionAsync();
        // {group} is a group that has users and is itself a member of a group.
        var filter = filterTemplate
            .Replace("{user}", (await connection.ExecuteScalarAsync<Guid>("SELECT id FROM users WHERE user_name = 'user4242@example.com'")).ToString())
            .Replace("{group}", (await connection.ExecuteScalarAsync<Guid>("SELECT min(member_group_id::text)::uuid FROM link")).ToString());
        var map = Maps.Of(typeName);
        var compiled = FilterCompiler.Compile(filter, map);

        var sql = $"SELECT r.id FROM {map.Table} r WHERE {compiled.Where}";
        var plan = await connection.ExecuteScalarAsync<string>($"EXPLAIN (FORMAT JSON) {sql}", compiled.Parameters);
        var nodes = Nodes(JsonDocument.Parse(plan!).RootElement[0].GetProperty("Plan")).ToList();
        var found = await connection.QueryAsync<Guid>(sql, compiled.Parameters);

        output.WriteLine($"{filter}: {string.Join(" > ", nodes.Select(n => n.Index is null ? $"{n.Type} {n.Relation}" : $"{n.Type} {n.Index}"))}");
        Assert.NotEmpty(found);
        var describe = $"{filter}\n{sql}\n{plan}";
        Assert.True(nodes.Any(n => IsIndexScan(n.Type) && expectedIndexes.Contains(n.Index)),
            $"no index scan on {string.Join(" or ", expectedIndexes)}:\n{describe}");
        Assert.False(nodes.Any(n => n.Type == "Seq Scan" && n.Relation is "users" or "groups"), $"sequential scan:\n{describe}");
    }

    // Okta and Entra send a lookup before each write, so its statement must be planned once per connection and then
    // reused: PostgreSQL keeps re-planning a prepared statement (as Npgsql's auto-prepare makes it) whenever its generic
    // plan is priced above the custom ones, and re-planning costs about as much as running the lookup.
    [Theory]
    [InlineData("User", "userName eq \"user{n}@example.com\"")]
    [InlineData("Group", "displayName eq \"group {n}\"")]
    public async Task Lookup_FirstPage_IsPreparedWithAGenericPlan(string typeName, string filterTemplate)
    {
        await using var connection = await app.OpenConnectionAsync();
        var map = Maps.Of(typeName);
        var where = FilterCompiler.Compile(filterTemplate.Replace("{n}", "1"), map).Where;
        var page = Statements.ListPage(map, Projection.Default, streamed: false, where, SortCompiler.Compile(null, null, map), fromStart: true);
        // The statement as the server sends it, with its two parameters ($1 the value, $2 the page's size) as PostgreSQL's.
        var prepared = page.Replace("@f0", "$1").Replace("@page_limit", "$2").TrimEnd().TrimEnd(';');
        Assert.DoesNotContain("@", prepared);
        await using (var command = new NpgsqlCommand(prepared, connection))
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = 100 });
            await command.PrepareAsync();
            for (var n = 1; n <= 10; n++)
            {
                command.Parameters[0].Value = filterTemplate.Replace("{n}", $"{n * 7}").Split('"')[1];
                Assert.Equal(1, await CountRowsAsync(command));
            }
        }
        var (generic, custom) = await connection.QuerySingleAsync<(long, long)>(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = @prepared", new { prepared });

        output.WriteLine($"{filterTemplate}: {generic} generic, {custom} custom plans of 10 executions");
        Assert.True(generic >= 4, $"{filterTemplate}: {generic} generic and {custom} custom plans of 10 executions:\n{prepared}");
    }

    static async Task<int> CountRowsAsync(NpgsqlCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync())
            rows++;
        return rows;
    }

    static bool IsIndexScan(string type) => type is "Index Scan" or "Index Only Scan" or "Bitmap Index Scan";

    sealed record PlanNode(string Type, string? Relation, string? Index);

    static IEnumerable<PlanNode> Nodes(JsonElement plan)
    {
        yield return new PlanNode(
            plan.GetProperty("Node Type").GetString()!,
            plan.TryGetProperty("Relation Name", out var relation) ? relation.GetString() : null,
            plan.TryGetProperty("Index Name", out var index) ? index.GetString() : null);
        if (plan.TryGetProperty("Plans", out var children))
            foreach (var child in children.EnumerateArray())
                foreach (var node in Nodes(child))
                    yield return node;
    }
}
