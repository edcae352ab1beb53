using System.Text.Json;
using Dapper;
using Npgsql;
using ScimLite.Scim;

namespace ScimLite.Groups;

/// <summary>
/// Membership changes as targeted statements on link: each costs what the named members cost, never what the group
/// holds (only a full replace reads the whole membership).
/// </summary>
public static class GroupMembers
{
    /// <summary>Runs one membership change inside the request's transaction; returns how many link rows changed.</summary>
    public static async Task<long> ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, MemberChange change,
        CancellationToken ct) => change switch
    {
        MemberChange.Add add => await AddAsync(connection, tx, groupId, add.Ids, ct),
        MemberChange.Remove remove => await RemoveAsync(connection, tx, groupId, remove.Ids, ct),
        MemberChange.RemoveWhere where => await RemoveWhereAsync(connection, tx, groupId, where.Predicate, where.Parameters, ct),
        MemberChange.RemoveAll => await RemoveAllAsync(connection, tx, groupId, ct),
        MemberChange.ReplaceAll replace => await ReplaceAsync(connection, tx, groupId, replace.Ids, ct),
        _ => throw new ArgumentOutOfRangeException(nameof(change)),
    };

    /// <summary>Member ids from a members value: <c>[{"value": "id", ...}]</c>; display, type and $ref are ignored.</summary>
    public static Guid[] Parse(JsonElement value, string where, int max)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return [];
        // A single member object is taken as a list of one.
        if (value.ValueKind == JsonValueKind.Object)
            return [MemberId(value, where)];
        if (value.ValueKind != JsonValueKind.Array)
            throw ScimException.InvalidValue($"'{where}' must be an array of members.");
        if (value.GetArrayLength() > max)
            throw new ScimException(413, null, $"At most {max} members may be named in one request.");
        var ids = new HashSet<Guid>();
        foreach (var item in value.EnumerateArray())
            ids.Add(MemberId(item, where));
        return [.. ids];
    }

    static Guid MemberId(JsonElement item, string where)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGet("value", out var id))
            throw ScimException.InvalidValue($"Each '{where}' item needs a 'value' with the member's id.");
        return ScimValues.ToGuid(id, $"{where}.value");
    }

    /// <summary>Adds members (users or groups) that are not members yet; returns how many were added.</summary>
    static async Task<long> AddAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, Guid[] ids, CancellationToken ct)
    {
        if (ids.Length == 0)
            return 0;
        if (Array.IndexOf(ids, groupId) >= 0)
            throw ScimException.InvalidValue($"Group {groupId} cannot be a member of itself.");
        const string sql = """
            WITH found_users AS (SELECT id FROM users WHERE id = ANY(@ids)),
                 found_groups AS (SELECT id FROM groups WHERE id = ANY(@ids)),
                 added_users AS (
                     INSERT INTO link (group_id, user_id) SELECT @group_id, id FROM found_users
                     ON CONFLICT DO NOTHING RETURNING 1),
                 added_groups AS (
                     INSERT INTO link (group_id, member_group_id) SELECT @group_id, id FROM found_groups
                     ON CONFLICT DO NOTHING RETURNING 1)
            SELECT (SELECT count(*) FROM found_users) + (SELECT count(*) FROM found_groups) AS found,
                   (SELECT count(*) FROM added_users) + (SELECT count(*) FROM added_groups) AS added
            """;
        var (found, added) = await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(
            sql, new { group_id = groupId, ids }, tx, cancellationToken: ct));
        if (found < ids.Length)
            throw await DanglingAsync(connection, tx, ids, ct);
        return added;
    }

    /// <summary>Removes the named members; naming a non-member is not an error. Returns how many left.</summary>
    static Task<int> RemoveAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, Guid[] ids, CancellationToken ct) =>
        ids.Length == 0
            ? Task.FromResult(0)
            : connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM link WHERE group_id = @group_id AND (user_id = ANY(@ids) OR member_group_id = ANY(@ids))",
                new { group_id = groupId, ids }, tx, cancellationToken: ct));

    /// <summary>Removes the members a compiled value filter selects (<c>members[value eq "id"]</c>) over the link row <c>l</c>.</summary>
    static async Task<long> RemoveWhereAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, string predicate,
        DynamicParameters parameters, CancellationToken ct)
    {
        parameters.Add("group_id", groupId);
        return await connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM link l WHERE l.group_id = @group_id AND {predicate}", parameters, tx, cancellationToken: ct));
    }

    static Task<int> RemoveAllAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM link WHERE group_id = @group_id", new { group_id = groupId }, tx, cancellationToken: ct));

    /// <summary>Makes the membership exactly <paramref name="ids"/>: deletes the gone, inserts the new. Returns rows changed.</summary>
    static async Task<long> ReplaceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid groupId, Guid[] ids, CancellationToken ct)
    {
        var removed = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM link WHERE group_id = @group_id AND NOT (coalesce(user_id, member_group_id) = ANY(@ids))",
            new { group_id = groupId, ids }, tx, cancellationToken: ct));
        return removed + await AddAsync(connection, tx, groupId, ids, ct);
    }

    static async Task<ScimException> DanglingAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid[] ids, CancellationToken ct)
    {
        var missing = (await connection.QueryAsync<Guid>(new CommandDefinition("""
            SELECT x FROM unnest(@ids) AS x
             WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = x) AND NOT EXISTS (SELECT 1 FROM groups WHERE id = x)
             LIMIT 5
            """, new { ids }, tx, cancellationToken: ct))).ToList();
        return ScimException.InvalidValue($"No User or Group has the id {string.Join(", ", missing)}.");
    }
}
