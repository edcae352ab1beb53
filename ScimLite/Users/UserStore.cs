using Dapper;
using Npgsql;
using ScimLite.Data;
using ScimLite.Scim;
using ScimLite.Scim.Sql;

namespace ScimLite.Users;

/// <summary>Reads and writes users; each method is one transaction of a few statements.</summary>
public sealed class UserStore(Db db, TimeProvider clock, PasswordHasher hasher)
{
    public Task<IDictionary<string, object?>?> GetAsync(Guid id, bool withGroups, string baseUrl, CancellationToken ct) =>
        db.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync(new CommandDefinition(
                $"{UserSql.Select(withGroups)} WHERE r.id = @id", new { id, base_url = baseUrl }, cancellationToken: ct));
            return (IDictionary<string, object?>?)row;
        }, ct);

    public Task<IDictionary<string, object?>> CreateAsync(ColumnSet columns, string? passwordHash, bool withGroups, string baseUrl, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var id = Guid.CreateVersion7();
        var parameters = columns.AddTo(new DynamicParameters(new { id, password_hash = passwordHash, now, base_url = baseUrl }));
        // The id is fixed before the first attempt: a retry after a COMMIT whose answer was lost finds the row it
        // already wrote (see Db) and answers 201 with it, rather than a 409 from the userName index.
        var sql = $"""
            INSERT INTO users AS r (id, {columns.ColumnList()}, password_hash, created, last_modified, version)
            VALUES (@id, {columns.ValueList()}, @password_hash, @now, @now, 1)
            ON CONFLICT (id) DO NOTHING
            RETURNING {UserSql.Returning(withGroups)}
            """;
        return db.InTransactionAsync(async (connection, tx) =>
            (IDictionary<string, object?>?)await connection.QuerySingleOrDefaultAsync(new CommandDefinition(sql, parameters, tx, cancellationToken: ct))
            ?? (IDictionary<string, object?>)await connection.QuerySingleAsync(new CommandDefinition(
                $"{UserSql.Select(withGroups)} WHERE r.id = @id", new { id, base_url = baseUrl }, tx, cancellationToken: ct)), ct);
    }

    /// <summary>
    /// PUT: every writable column replaced; the password only when one is sent (a client cannot read it back to
    /// resend it). version and lastModified move only when something changed. Null → not found or precondition failed.
    /// </summary>
    public async Task<IDictionary<string, object?>> ReplaceAsync(Guid id, ColumnSet columns, string? password, long? ifMatch,
        bool withGroups, string baseUrl, CancellationToken ct)
    {
        if (password is not null && await PasswordHashAsync(id, password, ct) is { } passwordHash)
            columns.Set("password_hash", passwordHash);
        return await UpdateAsync(id, columns.Assignments(), columns.ChangedPredicate(), columns.AddTo(new DynamicParameters()), ifMatch, withGroups, baseUrl, ct);
    }

    /// <summary>
    /// The hash to store for a password sent in a PUT. The stored hash when it already matches: a fresh salt would
    /// differ and move version and lastModified on every PUT that resends the same body, password included. The
    /// stored hash is a valid hash of this password, so writing it stays right even if the row changed in between.
    /// </summary>
    async Task<string?> PasswordHashAsync(Guid id, string password, CancellationToken ct)
    {
        var stored = await db.ReadAsync(connection => connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT password_hash FROM users WHERE id = @id", new { id }, cancellationToken: ct)), ct);
        return stored is not null && PasswordHasher.Verify(password, stored) ? stored : hasher.Hash(password);
    }

    /// <summary>PATCH: the composed column expressions in one UPDATE (see <see cref="ColumnPatcher"/>).</summary>
    public Task<IDictionary<string, object?>> PatchAsync(Guid id, ColumnPatcher patch, DynamicParameters parameters, long? ifMatch,
        bool withGroups, string baseUrl, CancellationToken ct) =>
        patch.IsEmpty
            ? UpdateAsync(id, "version = r.version", "false", parameters, ifMatch, withGroups, baseUrl, ct)
            : UpdateAsync(id, patch.Assignments, patch.ChangedPredicate, parameters, ifMatch, withGroups, baseUrl, ct);

    /// <summary>One UPDATE ... RETURNING: the If-Match check is in its WHERE, so no write can slip in between.</summary>
    Task<IDictionary<string, object?>> UpdateAsync(Guid id, string assignments, string changed, DynamicParameters parameters, long? ifMatch,
        bool withGroups, string baseUrl, CancellationToken ct)
    {
        parameters.AddDynamicParams(new { id, if_match = ifMatch, now = clock.GetUtcNow().UtcDateTime, base_url = baseUrl });
        var sql = $"""
            UPDATE users AS r SET {assignments},
                   {SqlFragments.VersionBump(changed)}
             WHERE r.id = @id AND (@if_match::bigint IS NULL OR r.version = @if_match)
            RETURNING {UserSql.Returning(withGroups)}
            """;
        return db.InTransactionAsync(async (connection, tx) =>
        {
            var row = await connection.QuerySingleOrDefaultAsync(new CommandDefinition(sql, parameters, tx, cancellationToken: ct));
            return (IDictionary<string, object?>?)row ?? throw await MissOrStaleAsync(connection, tx, id, ct);
        }, ct);
    }

    public Task DeleteAsync(Guid id, long? ifMatch, CancellationToken ct) =>
        db.InTransactionAsync(async (connection, tx) =>
        {
            // The groups the user leaves change too, so their version and lastModified move; so do the users it
            // managed, whose manager the foreign key clears. The CTE's snapshot still sees the link rows that the
            // cascade removes.
            const string sql = """
                WITH gone AS (
                    DELETE FROM users WHERE id = @id AND (@if_match::bigint IS NULL OR version = @if_match) RETURNING id),
                touched AS (
                    UPDATE groups SET version = version + 1, last_modified = @now
                     WHERE id IN (SELECT l.group_id FROM link l WHERE l.user_id IN (SELECT id FROM gone)) RETURNING 1),
                reports AS (
                    UPDATE users SET version = version + 1, last_modified = @now
                     WHERE manager_id IN (SELECT id FROM gone) AND id <> @id RETURNING 1)
                SELECT count(*) FROM gone
                """;
            var deleted = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                sql, new { id, if_match = ifMatch, now = clock.GetUtcNow().UtcDateTime }, tx, cancellationToken: ct));
            if (deleted == 0)
                throw await MissOrStaleAsync(connection, tx, id, ct);
            return true;
        }, ct);

    static async Task<ScimException> MissOrStaleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid id, CancellationToken ct)
    {
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM users WHERE id = @id)", new { id }, tx, cancellationToken: ct));
        return exists
            ? ScimException.PreconditionFailed($"User {id} has changed since the version in If-Match.")
            : ScimHttp.NotFound("User", id);
    }
}
