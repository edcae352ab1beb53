using Dapper;
using ScimLite.Data;
using ScimLite.Scim;
using ScimLite.Store;

namespace ScimLite.Users;

/// <summary>
/// Reads and writes users, rendered from the Users map (<see cref="UserMap"/>) by <see cref="Statements"/>, so each
/// returns what the projection asks for. Every write is one statement, sent with the writer's context in one round trip
/// (<see cref="Db.InOneStatementAsync{T}"/>); what runs after it only reads why it matched no row.
/// </summary>
public sealed class UserStore(Db db, TimeProvider clock, PasswordHasher hasher, ResourceMaps maps)
{
    /// <summary>Users as this host declares them (core schemas and declared extensions).</summary>
    public ResourceMap Map { get; } = maps.User;

    DateTime Now => clock.UtcNowToTheMillisecond();

    public Task<ResourceRow> CreateAsync(WriteContext writer, ColumnSet columns, Projection projection, CancellationToken ct)
    {
        if (columns.Get(PasswordStorage.HashColumn) is PasswordStorage.Cleartext cleartext)
            columns.Set(PasswordStorage.HashColumn, hasher.Hash(cleartext.Password));
        // The id is fixed before the first attempt (see Statements.Insert).
        var id = Guid.CreateVersion7();
        var parameters = columns.Parameters;
        parameters.AddDynamicParams(new { id, now = Now });
        var insert = Statements.Insert(Map, columns, projection);
        // No row back: an earlier attempt's insert committed (a retry after a lost answer), so read it.
        return db.InOneStatementAsync(writer, async write =>
            await write.Connection.QueryRowAsync(write.Command(insert, parameters, ct))
            ?? (await write.Connection.QueryRowAsync(new CommandDefinition(Statements.SelectById(Map, projection), new { id }, cancellationToken: ct)))!, ct);
    }

    /// <summary>
    /// PUT: every writable column replaced; the password only when one is sent (a client cannot read it back to
    /// resend it). version and lastModified move only when something changed.
    /// </summary>
    public async Task<ResourceRow> ReplaceAsync(WriteContext writer, Guid id, ColumnSet columns, long? ifMatch,
        Projection projection, CancellationToken ct)
    {
        if (columns.Get(PasswordStorage.HashColumn) is PasswordStorage.Cleartext cleartext)
            columns.Set(PasswordStorage.HashColumn, await PasswordHashAsync(id, cleartext.Password, ct));
        return await UpdateAsync(writer, id, columns, ifMatch, projection, ct);
    }

    /// <summary>
    /// The hash to store for a password sent in a PUT. The stored hash when it already matches: a fresh salt would
    /// differ and move version and lastModified on every PUT that resends the same body, password included. The
    /// stored hash is a valid hash of this password, so writing it stays right even if the row changed in between.
    /// </summary>
    async Task<string?> PasswordHashAsync(Guid id, string password, CancellationToken ct)
    {
        var stored = await db.ReadAsync(connection => connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            $"SELECT {PasswordStorage.HashColumn} FROM users WHERE id = @id", new { id }, cancellationToken: ct)), ct);
        return stored is not null && PasswordHasher.Verify(password, stored) ? stored : hasher.Hash(password);
    }

    /// <summary>PATCH: the planned update, in one UPDATE.</summary>
    public Task<ResourceRow> PatchAsync(WriteContext writer, Guid id, UpdatePlan plan, long? ifMatch, Projection projection,
        CancellationToken ct) =>
        UpdateAsync(writer, id, plan.Complete(), ifMatch, projection, ct);

    /// <summary>
    /// One UPDATE ... RETURNING, with the If-Match check in its WHERE. An update that sets nothing (every operation
    /// ignored) reads the user under the same check instead.
    /// </summary>
    Task<ResourceRow> UpdateAsync(WriteContext writer, Guid id, IColumnChanges changes, long? ifMatch, Projection projection,
        CancellationToken ct)
    {
        var parameters = changes.Parameters;
        parameters.AddDynamicParams(new { id, if_match = ifMatch, now = Now });
        var sql = changes.Assignments.Count == 0
            ? Statements.SelectByIdIfMatch(Map, projection)
            : Statements.Update(Map, changes, new UpdateShape(IfMatch: true, MembersChanged: false, Returning: projection));
        return db.InOneStatementAsync(writer, async write =>
            await write.Connection.QueryRowAsync(write.Command(sql, parameters, ct))
            ?? throw await Statements.IfMatchFailureAsync(write.Connection, null, Map, id, ct), ct);
    }

    public Task DeleteAsync(WriteContext writer, Guid id, long? ifMatch, CancellationToken ct) =>
        db.InOneStatementAsync(writer, async write =>
        {
            // The groups the user leaves change too, so their version and lastModified move; so do the users it
            // managed, whose manager is cleared (manager_value here, manager_id by the foreign key). The CTE's
            // snapshot still sees the link rows that the cascade removes.
            var sql = $"""
                WITH gone AS (
                    DELETE FROM users AS r WHERE r.id = @id AND {Sql.IfMatchCondition} RETURNING r.id),
                touched AS (
                    UPDATE groups SET version = {Sql.NextVersion()}, last_modified = @now
                     WHERE id IN (SELECT l.group_id FROM link l WHERE l.user_id IN (SELECT id FROM gone)) RETURNING 1),
                reports AS (
                    UPDATE users SET version = {Sql.NextVersion()}, last_modified = @now, {UserMap.ManagerValueColumn} = NULL
                     WHERE {UserMap.ManagerIdColumn} IN (SELECT id FROM gone) AND id <> @id RETURNING 1)
                SELECT count(*) FROM gone
                """;
            var deleted = await write.Connection.ExecuteScalarAsync<long>(write.Command(sql, new { id, if_match = ifMatch, now = Now }, ct));
            if (deleted == 0)
                throw await Statements.IfMatchFailureAsync(write.Connection, null, Map, id, ct);
            return true;
        }, ct);
}
