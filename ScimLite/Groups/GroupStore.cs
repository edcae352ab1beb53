using Dapper;
using Npgsql;
using ScimLite.Data;
using ScimLite.Extensions;
using ScimLite.Scim;
using ScimLite.Scim.Schema;
using ScimLite.Scim.Sql;

namespace ScimLite.Groups;

/// <summary>
/// Reads and writes groups; each method is one transaction. What a statement selects comes from the Groups SQL map
/// (<see cref="GroupSql"/>); membership changes run through <see cref="GroupMembers"/>.
/// </summary>
public sealed class GroupStore(Db db, TimeProvider clock, ResourceTypes types)
{
    /// <summary>Groups as this host declares them (core schema and declared extensions).</summary>
    public ResourceTypeDef Type => types.Group;

    DateTime Now => clock.UtcNowToTheMillisecond();

    Task<ResourceRow?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id, Projection projection,
        string baseUrl, CancellationToken ct) =>
        connection.QueryRowAsync(new CommandDefinition(
            $"{Type.Sql.Select(projection)} WHERE r.id = @id", new { id, base_url = baseUrl }, tx, cancellationToken: ct));

    public Task<ResourceRow> CreateAsync(ColumnSet columns, Guid[] members, Projection projection, string baseUrl, CancellationToken ct)
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
                await GroupMembers.ApplyAsync(connection, tx, id, new MemberChange.Add(members), ct);
            return (await GetAsync(connection, tx, id, projection, baseUrl, ct))!;
        }, ct);
    }

    /// <summary>PUT: attributes replaced, membership made exactly <paramref name="members"/> (Okta AIW pushes this way).</summary>
    public Task<ResourceRow> ReplaceAsync(Guid id, ColumnSet columns, Guid[] members, long? ifMatch,
        Projection projection, string baseUrl, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            await LockAsync(connection, tx, id, ifMatch, ct);
            var membersChanged = await GroupMembers.ApplyAsync(connection, tx, id, new MemberChange.ReplaceAll(members), ct);
            await UpdateAsync(connection, tx, id, columns.ToUpdate(), membersChanged > 0, ct);
            return (await GetAsync(connection, tx, id, projection, baseUrl, ct))!;
        }, ct);

    public Task DeleteAsync(Guid id, long? ifMatch, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            await LockAsync(connection, tx, id, ifMatch, ct);
            // Groups this group was a member of change too.
            await connection.ExecuteAsync(new CommandDefinition($"""
                UPDATE groups SET version = {ResourceSql.NextVersion()}, last_modified = @now
                 WHERE id IN (SELECT group_id FROM link WHERE member_group_id = @id);
                DELETE FROM groups WHERE id = @id;
                """, new { id, now = Now }, tx, cancellationToken: ct));
            return true;
        }, ct);

    /// <summary>
    /// PATCH: under the group's row lock, the membership changes in order, then one UPDATE of the touched columns
    /// that also moves version and lastModified when anything changed. Returns the version, and the group projected
    /// as <paramref name="projection"/> asks when not null (null: the answer is a 204).
    /// </summary>
    public Task<(long Version, ResourceRow? Row)> PatchAsync(Guid id, IReadOnlyList<MemberChange> memberChanges,
        ColumnUpdate update, long? ifMatch, Projection? projection, string baseUrl, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            var version = await LockAsync(connection, tx, id, ifMatch, ct);
            long membersChanged = 0;
            foreach (var change in memberChanges)
                membersChanged += await GroupMembers.ApplyAsync(connection, tx, id, change, ct);
            if (!update.IsEmpty || membersChanged > 0)
                version = await UpdateAsync(connection, tx, id, update, membersChanged > 0, ct);
            // The row is locked since LockAsync, so this is the version the response's ETag must carry.
            var row = projection is null ? null : await GetAsync(connection, tx, id, projection, baseUrl, ct);
            return (version, row);
        }, ct);

    /// <summary>
    /// Locks the group row for the rest of the transaction, with the If-Match check in the locking statement (see
    /// <see cref="IfMatch"/>), so no concurrent write can slip in between the check and the change. Returns the version.
    /// </summary>
    async Task<long> LockAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, long? ifMatch, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"SELECT r.version FROM groups r WHERE r.id = @id AND {IfMatch.Condition} FOR UPDATE", new { id, if_match = ifMatch }, tx, cancellationToken: ct))
        ?? throw await IfMatch.FailureAsync(connection, tx, Type, id, ct);

    /// <summary>
    /// One UPDATE of the group's columns that moves version and lastModified when a column or the membership
    /// changed; returns the version. The row is already locked by <see cref="LockAsync"/>.
    /// </summary>
    async Task<long> UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, ColumnUpdate update, bool membersChanged,
        CancellationToken ct)
    {
        var parameters = update.Parameters;
        parameters.AddDynamicParams(new { group_id = id, now = Now, members_changed = membersChanged });
        var set = update.IsEmpty ? "" : update.Assignments + ",";
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition($"""
            {update.With("groups", "@group_id")}
            UPDATE groups AS r SET {set}
                   {SqlFragments.VersionBump($"(@members_changed OR {update.Changed})")}
              {update.From}
             WHERE r.id = @group_id {update.Join}
            RETURNING r.version
            """, parameters, tx, cancellationToken: ct));
    }
}
