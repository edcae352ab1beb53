using Dapper;
using Npgsql;
using ScimLite.Data;
using ScimLite.Scim;
using ScimLite.Scim.Sql;

namespace ScimLite.Groups;

/// <summary>Reads and writes groups; each method is one transaction.</summary>
public sealed class GroupStore(Db db, TimeProvider clock)
{
    DateTime Now => clock.GetUtcNow().UtcDateTime;

    public Task<IDictionary<string, object?>?> GetAsync(Guid id, bool withMembers, string baseUrl, CancellationToken ct) =>
        db.ReadAsync(connection => GetAsync(connection, null, id, withMembers, baseUrl, ct), ct);

    public static async Task<IDictionary<string, object?>?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id,
        bool withMembers, string baseUrl, CancellationToken ct) =>
        (IDictionary<string, object?>?)await connection.QuerySingleOrDefaultAsync(new CommandDefinition(
            $"{GroupSql.Select(withMembers)} WHERE r.id = @id", new { id, base_url = baseUrl }, tx, cancellationToken: ct));

    public Task<IDictionary<string, object?>> CreateAsync(ColumnSet columns, Guid[] members, bool withMembers, string baseUrl, CancellationToken ct)
    {
        // The id is fixed before the first attempt: a retry after a COMMIT whose answer was lost finds the group (and
        // members) it already wrote (see Db) and answers 201 with it, rather than a 409 from the displayName index.
        var id = Guid.CreateVersion7();
        var parameters = columns.AddTo(new DynamicParameters(new { id, now = Now }));
        return db.InTransactionAsync(async (connection, tx) =>
        {
            var inserted = await connection.ExecuteAsync(new CommandDefinition($"""
                INSERT INTO groups (id, {columns.ColumnList()}, created, last_modified, version)
                VALUES (@id, {columns.ValueList()}, @now, @now, 1)
                ON CONFLICT (id) DO NOTHING
                """, parameters, tx, cancellationToken: ct));
            if (inserted > 0)
                await GroupMembers.AddAsync(connection, tx, id, members, ct);
            return (await GetAsync(connection, tx, id, withMembers, baseUrl, ct))!;
        }, ct);
    }

    /// <summary>PUT: attributes replaced, membership made exactly <paramref name="members"/> (Okta AIW pushes this way).</summary>
    public Task<IDictionary<string, object?>> ReplaceAsync(Guid id, ColumnSet columns, Guid[] members, long? ifMatch,
        bool withMembers, string baseUrl, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            await LockAsync(connection, tx, id, ifMatch, ct);
            var membersChanged = await GroupMembers.ReplaceAsync(connection, tx, id, members, ct);
            await UpdateAsync(connection, tx, id, columns.Assignments(), columns.ChangedPredicate(),
                columns.AddTo(new DynamicParameters()), membersChanged > 0, ct);
            return (await GetAsync(connection, tx, id, withMembers, baseUrl, ct))!;
        }, ct);

    public Task DeleteAsync(Guid id, long? ifMatch, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            await LockAsync(connection, tx, id, ifMatch, ct);
            // Groups this group was a member of change too.
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE groups SET version = version + 1, last_modified = @now
                 WHERE id IN (SELECT group_id FROM link WHERE member_group_id = @id);
                DELETE FROM groups WHERE id = @id;
                """, new { id, now = Now }, tx, cancellationToken: ct));
            return true;
        }, ct);

    /// <summary>
    /// PATCH: under the group's row lock, the membership statements in order, then one UPDATE of the touched columns
    /// that also moves version and lastModified when anything changed. Returns the group projected as asked
    /// (<paramref name="withMembers"/> not null), or only its version for a 204.
    /// </summary>
    public Task<IDictionary<string, object?>> PatchAsync(Guid id, IReadOnlyList<GroupMembers.Change> memberChanges,
        ColumnPatcher patch, DynamicParameters parameters, long? ifMatch, bool? withMembers, string baseUrl, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var version = await LockAsync(connection, tx, id, ifMatch, ct);
            long membersChanged = 0;
            foreach (var change in memberChanges)
                membersChanged += await change(connection, tx, ct);
            if (!patch.IsEmpty || membersChanged > 0)
                version = await UpdateAsync(connection, tx, id, patch.Assignments, patch.ChangedPredicate, parameters, membersChanged > 0, ct);
            if (withMembers is { } members)
                return (await GetAsync(connection, tx, id, members, baseUrl, ct))!;
            // The row is locked since LockAsync, so this is the version the response's ETag must carry.
            return (IDictionary<string, object?>)new Dictionary<string, object?> { ["version"] = version };
        }, ct);

    /// <summary>
    /// Locks the group row for the rest of the transaction and checks If-Match against it, so no concurrent write can
    /// slip in between the check and the change. Returns the current version.
    /// </summary>
    public static async Task<long> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, long? ifMatch, CancellationToken ct)
    {
        var version = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT version FROM groups WHERE id = @id FOR UPDATE", new { id }, tx, cancellationToken: ct))
            ?? throw ScimHttp.NotFound("Group", id);
        if (ifMatch is not null && ifMatch != version)
            throw ScimException.PreconditionFailed($"Group {id} has changed since the version in If-Match.");
        return version;
    }

    /// <summary>
    /// One UPDATE of the group's columns that moves version and lastModified when a column or the membership
    /// changed; returns the version. The row is already locked by <see cref="LockAsync"/>.
    /// </summary>
    async Task<long> UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, string assignments, string changedColumns,
        DynamicParameters parameters, bool membersChanged, CancellationToken ct)
    {
        parameters.AddDynamicParams(new { group_id = id, now = Now, members_changed = membersChanged });
        var set = assignments.Length == 0 ? "" : assignments + ",";
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition($"""
            UPDATE groups AS r SET {set}
                   {SqlFragments.VersionBump($"(@members_changed OR {changedColumns})")}
             WHERE r.id = @group_id
            RETURNING r.version
            """, parameters, tx, cancellationToken: ct));
    }
}
