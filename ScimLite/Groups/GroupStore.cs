using Dapper;
using Npgsql;
using ScimLite.Data;
using ScimLite.Scim;
using ScimLite.Store;

namespace ScimLite.Groups;

/// <summary>
/// Reads and writes groups; each method is one transaction. Statements about the group row are rendered from the
/// Groups map (<see cref="GroupMap"/>) by <see cref="Statements"/>; membership changes run as
/// <see cref="MemberChange"/>s (<see cref="GroupMembers"/>).
/// </summary>
public sealed class GroupStore(Db db, TimeProvider clock, ResourceMaps maps)
{
    /// <summary>Groups as this host declares them (core schema and declared extensions).</summary>
    public ResourceMap Map { get; } = maps.Group;

    DateTime Now => clock.UtcNowToTheMillisecond();

    Task<ResourceRow?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid id, Projection projection, CancellationToken ct) =>
        connection.QueryRowAsync(new CommandDefinition(
            Statements.SelectById(Map, projection), new { id }, tx, cancellationToken: ct));

    public Task<ResourceRow> CreateAsync(WriteContext writer, ColumnSet columns, Guid[] members, Projection projection,
        CancellationToken ct)
    {
        // The id is fixed before the first attempt (see Statements.Insert): a retry finds the group and members it wrote.
        var id = Guid.CreateVersion7();
        var parameters = columns.Parameters;
        parameters.AddDynamicParams(new { id, now = Now });
        var insert = Statements.Insert(Map, columns, returning: null);
        return db.InTransactionAsync(writer, async write =>
        {
            var (connection, tx) = (write.Connection, write.Transaction);
            if (await connection.ExecuteAsync(write.Command(insert, parameters, ct)) > 0)
                await new MemberChange.Add(members).ApplyAsync(connection, tx, id, ct);
            return (await GetAsync(connection, tx, id, projection, ct))!;
        }, ct);
    }

    /// <summary>PUT: attributes replaced, membership made exactly <paramref name="members"/> (Okta AIW pushes this way).</summary>
    public Task<ResourceRow> ReplaceAsync(WriteContext writer, Guid id, ColumnSet columns, Guid[] members, long? ifMatch,
        Projection projection, CancellationToken ct) =>
        db.InTransactionAsync(writer, async write =>
        {
            var (connection, tx) = (write.Connection, write.Transaction);
            await LockAsync(write, id, ifMatch, ct);
            var membersChanged = await new MemberChange.ReplaceAll(members).ApplyAsync(connection, tx, id, ct);
            await UpdateAsync(connection, tx, id, columns, membersChanged > 0, ct);
            return (await GetAsync(connection, tx, id, projection, ct))!;
        }, ct);

    public Task DeleteAsync(WriteContext writer, Guid id, long? ifMatch, CancellationToken ct) =>
        db.InTransactionAsync(writer, async write =>
        {
            await LockAsync(write, id, ifMatch, ct);
            // Groups this group was a member of change too.
            await write.Connection.ExecuteAsync(write.Command($"""
                UPDATE groups SET version = {Sql.NextVersion()}, last_modified = @now
                 WHERE id IN (SELECT group_id FROM link WHERE member_group_id = @id);
                DELETE FROM groups WHERE id = @id;
                """, new { id, now = Now }, ct));
            return true;
        }, ct);

    /// <summary>
    /// PATCH: under the group's row lock, the membership changes in order, then one UPDATE of the touched columns
    /// that also moves version and lastModified when anything changed. Returns the version, and the group projected
    /// as <paramref name="projection"/> asks when not null (null: the answer is a 204).
    /// </summary>
    public Task<(long Version, ResourceRow? Row)> PatchAsync(WriteContext writer, Guid id, UpdatePlan plan, long? ifMatch,
        Projection? projection, CancellationToken ct) =>
        db.InTransactionAsync(writer, async write =>
        {
            var (connection, tx) = (write.Connection, write.Transaction);
            var version = await LockAsync(write, id, ifMatch, ct);
            long membersChanged = 0;
            foreach (var change in plan.LinkChanges)
                membersChanged += await change.ApplyAsync(connection, tx, id, ct);
            if (!plan.IsEmpty || membersChanged > 0)
                version = await UpdateAsync(connection, tx, id, plan.Complete(), membersChanged > 0, ct);
            // The row is locked since LockAsync, so this is the version the response's ETag must carry.
            var row = projection is null ? null : await GetAsync(connection, tx, id, projection, ct);
            return (version, row);
        }, ct);

    /// <summary>
    /// Locks the group row for the rest of the transaction, with the If-Match check in the locking statement, so no
    /// concurrent write can slip in between the check and the change. Returns the version.
    /// </summary>
    async Task<long> LockAsync(WriteTransaction write, Guid id, long? ifMatch, CancellationToken ct) =>
        await write.Connection.ExecuteScalarAsync<long?>(write.Command(Statements.Lock(Map), new { id, if_match = ifMatch }, ct))
        ?? throw await Statements.IfMatchFailureAsync(write.Connection, write.Transaction, Map, id, ct);

    /// <summary>
    /// One UPDATE of the group's columns that moves version and lastModified when a column or the membership
    /// changed; returns the version. The row is already locked by <see cref="LockAsync"/>.
    /// </summary>
    async Task<long> UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, IColumnChanges changes, bool membersChanged,
        CancellationToken ct)
    {
        var parameters = changes.Parameters;
        parameters.AddDynamicParams(new { id, now = Now, members_changed = membersChanged });
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            Statements.Update(Map, changes, new UpdateShape(IfMatch: false, MembersChanged: true, Returning: null)),
            parameters, tx, cancellationToken: ct));
    }
}
