using Dapper;
using ScimLite.Data;
using ScimLite.Extensions;
using ScimLite.Scim;
using ScimLite.Scim.Schema;
using ScimLite.Scim.Sql;

namespace ScimLite.Users;

/// <summary>
/// Reads and writes users; each method is one transaction of a few statements. What a statement selects comes from
/// the Users SQL map (<see cref="UserSql"/>), so it returns what the projection asks for.
/// </summary>
public sealed class UserStore(Db db, TimeProvider clock, PasswordHasher hasher, ResourceTypes types)
{
    /// <summary>Users as this host declares them (core schemas and declared extensions).</summary>
    public ResourceTypeDef Type => types.User;

    ResourceSql Sql => Type.Sql;

    DateTime Now => clock.UtcNowToTheMillisecond();

    public Task<ResourceRow> CreateAsync(ColumnSet columns, string? passwordHash, Projection projection, string baseUrl, CancellationToken ct)
    {
        var now = clock.UtcNowToTheMillisecond();
        var id = Guid.CreateVersion7();
        var parameters = columns.AddTo(new DynamicParameters(new { id, password_hash = passwordHash, now, base_url = baseUrl }));
        // The id is fixed before the first attempt: a retry after a COMMIT whose answer was lost finds the row it
        // already wrote (see Db) and answers 201 with it, rather than a 409 from the userName index.
        var sql = $"""
            INSERT INTO users AS r (id, {columns.ColumnList()}, {UserSql.PasswordHashColumn}, created, last_modified, version)
            VALUES (@id, {columns.ValueList()}, @password_hash, @now, @now, 1)
            ON CONFLICT (id) DO NOTHING
            RETURNING {Sql.SelectList(projection)}
            """;
        return db.InTransactionAsync(async (connection, tx) =>
            await connection.QueryRowAsync(new CommandDefinition(sql, parameters, tx, cancellationToken: ct))
            ?? (await connection.QueryRowAsync(new CommandDefinition(
                $"{Sql.Select(projection)} WHERE r.id = @id", new { id, base_url = baseUrl }, tx, cancellationToken: ct)))!, ct);
    }

    /// <summary>
    /// PUT: every writable column replaced; the password only when one is sent (a client cannot read it back to
    /// resend it). version and lastModified move only when something changed.
    /// </summary>
    public async Task<ResourceRow> ReplaceAsync(Guid id, ColumnSet columns, string? password, long? ifMatch,
        Projection projection, string baseUrl, CancellationToken ct)
    {
        if (password is not null && await PasswordHashAsync(id, password, ct) is { } passwordHash)
            columns.Set(UserSql.PasswordHashColumn, passwordHash);
        return await UpdateAsync(id, columns.ToUpdate(), ifMatch, projection, baseUrl, ct);
    }

    /// <summary>
    /// The hash to store for a password sent in a PUT. The stored hash when it already matches: a fresh salt would
    /// differ and move version and lastModified on every PUT that resends the same body, password included. The
    /// stored hash is a valid hash of this password, so writing it stays right even if the row changed in between.
    /// </summary>
    async Task<string?> PasswordHashAsync(Guid id, string password, CancellationToken ct)
    {
        var stored = await db.ReadAsync(connection => connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            $"SELECT {UserSql.PasswordHashColumn} FROM users WHERE id = @id", new { id }, cancellationToken: ct)), ct);
        return stored is not null && PasswordHasher.Verify(password, stored) ? stored : hasher.Hash(password);
    }

    /// <summary>PATCH: the update <see cref="ColumnPatcher"/> composed, in one UPDATE.</summary>
    public Task<ResourceRow> PatchAsync(Guid id, ColumnUpdate update, long? ifMatch, Projection projection, string baseUrl,
        CancellationToken ct) =>
        UpdateAsync(id, update, ifMatch, projection, baseUrl, ct);

    /// <summary>
    /// One UPDATE ... RETURNING, with the If-Match check in its WHERE (see <see cref="IfMatch"/>). An update that sets
    /// nothing (every operation ignored) reads the user under the same check instead.
    /// </summary>
    Task<ResourceRow> UpdateAsync(Guid id, ColumnUpdate update, long? ifMatch, Projection projection, string baseUrl, CancellationToken ct)
    {
        var parameters = update.Parameters;
        parameters.AddDynamicParams(new { id, if_match = ifMatch, now = Now, base_url = baseUrl });
        var sql = update.IsEmpty
            ? $"{Sql.Select(projection)} WHERE r.id = @id AND {IfMatch.Condition}"
            : $"""
                {update.With("users", "@id")}
                UPDATE users AS r SET {update.Assignments},
                       {SqlFragments.VersionBump(update.Changed)}
                  {update.From}
                 WHERE r.id = @id AND {IfMatch.Condition} {update.Join}
                RETURNING {Sql.SelectList(projection)}
                """;
        return db.InTransactionAsync(async (connection, tx) =>
            await connection.QueryRowAsync(new CommandDefinition(sql, parameters, tx, cancellationToken: ct))
            ?? throw await IfMatch.FailureAsync(connection, tx, Type, id, ct), ct);
    }

    public Task DeleteAsync(Guid id, long? ifMatch, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            // The groups the user leaves change too, so their version and lastModified move; so do the users it
            // managed, whose manager is cleared (manager_value here, manager_id by the foreign key). The CTE's
            // snapshot still sees the link rows that the cascade removes.
            var sql = $"""
                WITH gone AS (
                    DELETE FROM users AS r WHERE r.id = @id AND {IfMatch.Condition} RETURNING r.id),
                touched AS (
                    UPDATE groups SET version = {ResourceSql.NextVersion()}, last_modified = @now
                     WHERE id IN (SELECT l.group_id FROM link l WHERE l.user_id IN (SELECT id FROM gone)) RETURNING 1),
                reports AS (
                    UPDATE users SET version = {ResourceSql.NextVersion()}, last_modified = @now, manager_value = NULL
                     WHERE manager_id IN (SELECT id FROM gone) AND id <> @id RETURNING 1)
                SELECT count(*) FROM gone
                """;
            var deleted = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                sql, new { id, if_match = ifMatch, now = clock.UtcNowToTheMillisecond() }, tx, cancellationToken: ct));
            if (deleted == 0)
                throw await IfMatch.FailureAsync(connection, tx, Type, id, ct);
            return true;
        }, ct);
}
