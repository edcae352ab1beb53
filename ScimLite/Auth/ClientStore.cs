using Dapper;
using Npgsql;

namespace ScimLite.Auth;

/// <summary>One row of <c>clients</c> (see sql/0002_clients.sql).</summary>
public sealed class ClientRow
{
    public string Name { get; set; } = "";
    public byte[] TokenDigest { get; set; } = [];
    public byte[]? PreviousDigest { get; set; }
    public DateTime? PreviousValidUntil { get; set; }
    public DateTime Created { get; set; }
    public DateTime? Expires { get; set; }
    public DateTime? LastUsed { get; set; }
    public DateTime? Revoked { get; set; }
    public int? PermitsPerSecond { get; set; }
    public int? Burst { get; set; }
}

/// <summary>The SQL of the client table: what the server reads every few seconds and what <c>ScimLite tokens</c> writes.</summary>
public sealed class ClientStore(NpgsqlDataSource dataSource)
{
    const string Columns = """
        name, token_digest, previous_digest, previous_valid_until, created, expires, last_used, revoked,
        permits_per_second, burst
        """;

    /// <summary>Every client that is not revoked; expiry and grace ends are checked per request against the clock.</summary>
    public async Task<IReadOnlyList<ClientRow>> ActiveAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ClientRow>(new CommandDefinition(
            $"SELECT {Columns} FROM clients WHERE revoked IS NULL", cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<ClientRow>> AllAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ClientRow>(new CommandDefinition(
            $"SELECT {Columns} FROM clients ORDER BY name", cancellationToken: ct))).AsList();
    }

    /// <summary>
    /// A new client, or a new start for a revoked one of the same name. False when an unrevoked client has the name.
    /// </summary>
    public async Task<bool> AddAsync(string name, byte[] digest, DateTime now, DateTime? expires, int? permitsPerSecond, int? burst,
        CancellationToken ct)
    {
        const string sql = """
            INSERT INTO clients (name, token_digest, created, expires, permits_per_second, burst)
            VALUES (@name, @digest, @now, @expires, @permits_per_second, @burst)
            ON CONFLICT (name) DO UPDATE
               SET token_digest = excluded.token_digest, previous_digest = NULL, previous_valid_until = NULL,
                   created = excluded.created, expires = excluded.expires, last_used = NULL, revoked = NULL,
                   permits_per_second = excluded.permits_per_second, burst = excluded.burst
             WHERE clients.revoked IS NOT NULL
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql,
            new { name, digest, now, expires, permits_per_second = permitsPerSecond, burst }, cancellationToken: ct)) == 1;
    }

    /// <summary>Revokes a client at once; false when there is no unrevoked client of that name.</summary>
    public async Task<bool> RevokeAsync(string name, DateTime now, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE clients SET revoked = @now WHERE name = @name AND revoked IS NULL", new { name, now }, cancellationToken: ct)) == 1;
    }

    /// <summary>
    /// A new token for a client; the current one stays valid until <paramref name="graceUntil"/>. A new expiry, when
    /// given, replaces the old one. False when there is no unrevoked client of that name.
    /// </summary>
    public async Task<bool> RotateAsync(string name, byte[] digest, DateTime graceUntil, DateTime? expires, CancellationToken ct)
    {
        const string sql = """
            UPDATE clients
               SET previous_digest = token_digest, previous_valid_until = @grace_until, token_digest = @digest,
                   expires = coalesce(@expires, expires)
             WHERE name = @name AND revoked IS NULL
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(sql,
            new { name, digest, grace_until = graceUntil, expires }, cancellationToken: ct)) == 1;
    }

    /// <summary>Records when clients were last seen; an older time never overwrites a newer one (several instances write).</summary>
    public async Task TouchAsync(string[] names, DateTime[] times, CancellationToken ct)
    {
        const string sql = """
            UPDATE clients c SET last_used = v.t
              FROM unnest(@names, @times) AS v(name, t)
             WHERE c.name = v.name AND (c.last_used IS NULL OR c.last_used < v.t)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(sql, new { names, times }, cancellationToken: ct));
    }
}
