using Dapper;
using Npgsql;
using ScimLite.Scim;
using ScimLite.Store;

namespace ScimLite.Groups;

/// <summary>
/// Membership changes as targeted statements on link: each costs what the named members cost, never what the group
/// holds (only a full replace reads the whole membership).
/// </summary>
public static class GroupMembers
{
    // The statements, each over the group @group_id and the member ids @ids (a uuid[]); their text is kept as snapshots
    // in the tests (ScimLite.Tests/Store/Statements).

    /// <summary>Adds the users and groups of @ids not yet members, unless one of the groups contains this one.</summary>
    public const string Add = """
        WITH RECURSIVE found_users AS (SELECT id FROM users WHERE id = ANY(@ids)),
             found_groups AS (SELECT id FROM groups WHERE id = ANY(@ids)),
             containing (id) AS (
                 SELECT l.group_id FROM link l WHERE l.member_group_id = @group_id AND EXISTS (SELECT 1 FROM found_groups)
                 UNION
                 SELECT l.group_id FROM link l JOIN containing c ON l.member_group_id = c.id),
             cycle AS (SELECT id FROM found_groups WHERE id IN (SELECT id FROM containing) LIMIT 1),
             added_users AS (
                 INSERT INTO link (group_id, user_id) SELECT @group_id, id FROM found_users
                  WHERE NOT EXISTS (SELECT 1 FROM cycle)
                 ON CONFLICT DO NOTHING RETURNING 1),
             added_groups AS (
                 INSERT INTO link (group_id, member_group_id) SELECT @group_id, id FROM found_groups
                  WHERE NOT EXISTS (SELECT 1 FROM cycle)
                 ON CONFLICT DO NOTHING RETURNING 1)
        SELECT (SELECT count(*) FROM found_users) + (SELECT count(*) FROM found_groups) AS found,
               (SELECT count(*) FROM added_users) + (SELECT count(*) FROM added_groups) AS added,
               (SELECT count(*) FROM added_groups) AS added_groups,
               (SELECT id FROM cycle) AS cycle
        """;

    /// <summary>A cycle through the group, after nested groups were added (see <see cref="RecheckCyclesAsync"/>).</summary>
    public const string RecheckCycles = """
        WITH RECURSIVE containing (id) AS (
            SELECT l.group_id FROM link l WHERE l.member_group_id = @group_id
            UNION
            SELECT l.group_id FROM link l JOIN containing c ON l.member_group_id = c.id)
        SELECT l.member_group_id FROM link l
         WHERE l.group_id = @group_id AND EXISTS (SELECT 1 FROM containing c WHERE c.id = @group_id)
           AND l.member_group_id IN (SELECT id FROM containing)
         LIMIT 1
        """;

    /// <summary>The first few of @ids that name no user and no group.</summary>
    public const string Dangling = """
        SELECT x FROM unnest(@ids) AS x
         WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = x) AND NOT EXISTS (SELECT 1 FROM groups WHERE id = x)
         LIMIT 5
        """;

    public const string Remove = "DELETE FROM link WHERE group_id = @group_id AND (user_id = ANY(@ids) OR member_group_id = ANY(@ids))";

    public const string RemoveAll = "DELETE FROM link WHERE group_id = @group_id";

    /// <summary>The members not in @ids (a PUT or replace makes the membership exactly @ids).</summary>
    public const string RemoveOthers = "DELETE FROM link WHERE group_id = @group_id AND NOT (coalesce(user_id, member_group_id) = ANY(@ids))";

    /// <summary>The members a compiled value filter selects over the link row <c>l</c>.</summary>
    public static string RemoveWhere(string predicate) => $"DELETE FROM link {Sql.Link} WHERE {Sql.Link}.group_id = @group_id AND {predicate}";

    /// <summary>
    /// Adds members (users or groups) that are not members yet; returns how many were added. A group that contains
    /// this group, directly or through other groups (found by a recursive walk up link in the same statement), would
    /// close a cycle and is refused: an application that expands nested groups would loop.
    /// </summary>
    public static async Task<long> AddAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, Guid[] ids, CancellationToken ct)
    {
        if (ids.Length == 0)
            return 0;
        if (Array.IndexOf(ids, groupId) >= 0)
            throw ScimException.InvalidValue($"Group {groupId} cannot be a member of itself.");
        var (found, added, addedGroups, cycle) = await connection.QuerySingleAsync<(long, long, long, Guid?)>(new CommandDefinition(
            Add, new { group_id = groupId, ids }, tx, cancellationToken: ct));
        if (cycle is { } member)
            throw Cycle(groupId, member);
        if (found < ids.Length)
            throw await DanglingAsync(connection, tx, ids, ct);
        if (addedGroups > 0)
            await RecheckCyclesAsync(connection, tx, groupId, ct);
        return added;
    }

    /// <summary>
    /// Two requests nesting two groups in each other at the same moment would each miss the other's uncommitted
    /// link. So a request that nested a group takes one lock for all such requests and, in a new statement (which sees
    /// what the one before it committed), looks for a cycle through this group again. Nesting groups is rare; adding
    /// users never waits here.
    /// </summary>
    static async Task RecheckCyclesAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtext('scimlite.nested_groups'))", transaction: tx, cancellationToken: ct));
        // A cycle through this group: it contains itself. The walk up stops at groups already seen (UNION).
        var cycle = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            RecheckCycles, new { group_id = groupId }, tx, cancellationToken: ct));
        if (cycle is { } member)
            throw Cycle(groupId, member);
    }

    static ScimException Cycle(Guid groupId, Guid member) =>
        ScimException.InvalidValue($"Group {member} cannot be a member of group {groupId}: it already contains {groupId}, directly or through other groups, so the membership would make a cycle.");

    /// <summary>Removes the named members; naming a non-member is not an error. Returns how many left.</summary>
    public static async Task<long> RemoveAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, Guid[] ids, CancellationToken ct) =>
        ids.Length == 0
            ? 0
            : await connection.ExecuteAsync(new CommandDefinition(
                Remove,
                new { group_id = groupId, ids }, tx, cancellationToken: ct));

    /// <summary>Removes the members a compiled value filter selects (<c>members[value eq "id"]</c>) over the link row <c>l</c>.</summary>
    public static async Task<long> RemoveWhereAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, string predicate,
        DynamicParameters parameters, CancellationToken ct)
    {
        parameters.Add("group_id", groupId);
        return await connection.ExecuteAsync(new CommandDefinition(
            RemoveWhere(predicate), parameters, tx, cancellationToken: ct));
    }

    public static async Task<long> RemoveAllAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            RemoveAll, new { group_id = groupId }, tx, cancellationToken: ct));

    /// <summary>Makes the membership exactly <paramref name="ids"/>: deletes the gone, inserts the new. Returns rows changed.</summary>
    public static async Task<long> ReplaceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, Guid[] ids, CancellationToken ct)
    {
        var removed = await connection.ExecuteAsync(new CommandDefinition(
            RemoveOthers,
            new { group_id = groupId, ids }, tx, cancellationToken: ct));
        return removed + await AddAsync(connection, tx, groupId, ids, ct);
    }

    static async Task<ScimException> DanglingAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] ids, CancellationToken ct)
    {
        var missing = (await connection.QueryAsync<Guid>(new CommandDefinition(
            Dangling, new { ids }, tx, cancellationToken: ct))).ToList();
        return ScimException.InvalidValue($"No User or Group has the id {string.Join(", ", missing)}.");
    }
}
