using Dapper;
using Npgsql;

namespace ScimLite.Safety;

/// <summary>The brake row: settings written at start-up, engage, release, held requests and the status an operator reads.</summary>
/// <remarks>
/// Each method is its own short transaction on its own connection, never the request's: the request the brake refuses
/// rolls back, while its engage and its "held" count must stay.
/// </remarks>
public sealed class BrakeStore(NpgsqlDataSource dataSource, ILogger<BrakeStore> logger)
{
    public async Task WriteSettingsAsync(BrakeOptions options, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO brake (id, enabled, count_limit, share, window_seconds, bulk_members)
            VALUES (true, @Enabled, @Count, @Share, @WindowMinutes * 60, @BulkMembers)
            ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, count_limit = excluded.count_limit,
                share = excluded.share, window_seconds = excluded.window_seconds, bulk_members = excluded.bulk_members
            """, options, cancellationToken: ct));
    }

    /// <summary>Engages the brake unless it is engaged already; true when this call engaged it.</summary>
    public async Task<bool> EngageAsync(string reason, string by, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var engaged = await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            INSERT INTO brake (id, engaged, engaged_at, reason, held, last_held_at)
            VALUES (true, true, now(), @reason, 0, NULL)
            ON CONFLICT (id) DO UPDATE SET engaged = true, engaged_at = now(), reason = @reason, held = 0, last_held_at = NULL
             WHERE NOT brake.engaged
            RETURNING true
            """, new { reason }, cancellationToken: ct));
        if (engaged)
            Record("engaged", by, reason);
        return engaged;
    }

    /// <summary>Disengages and starts a fresh window, so the IdP's retries of what was held do not trip it at once.</summary>
    public async Task<bool> ReleaseAsync(string by, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var wasEngaged = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition("""
            WITH before AS (SELECT engaged FROM brake WHERE id),
                 upsert AS (
                     INSERT INTO brake (id, engaged, released_at, window_start) VALUES (true, false, now(), now())
                     ON CONFLICT (id) DO UPDATE SET engaged = false, released_at = now(), window_start = now())
            SELECT engaged FROM before
            """, cancellationToken: ct)) ?? false;
        Record("released", by, wasEngaged ? "released" : "was not engaged; fresh window");
        return wasEngaged;
    }

    /// <summary>Counts one request refused while engaged.</summary>
    public async Task HoldAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE brake SET held = held + 1, last_held_at = now() WHERE id AND engaged", cancellationToken: ct));
    }

    public async Task<BrakeStatus> StatusAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // No row: disengaged with the defaults the triggers use (sql/0004_safety.sql).
        return await connection.QuerySingleAsync<BrakeStatus>(new CommandDefinition("""
            WITH s AS (
                SELECT b.enabled, b.count_limit, b.share, b.window_seconds, b.bulk_members, b.engaged, b.engaged_at, b.reason,
                       b.held, b.last_held_at, b.released_at, b.window_start
                  FROM brake b WHERE b.id
                UNION ALL
                SELECT true, 50, 0.10, 900, 10, false, NULL, NULL, 0, NULL, NULL, NULL
                 WHERE NOT EXISTS (SELECT 1 FROM brake WHERE id)),
            w AS (SELECT greatest(now() - make_interval(secs => s.window_seconds), s.window_start) AS since FROM s)
            SELECT s.*, w.since,
                   coalesce(sum(e.n) FILTER (WHERE e.kind = 'deactivate'), 0) AS deactivations,
                   coalesce(sum(e.n) FILTER (WHERE e.kind = 'delete'), 0) AS deletions,
                   coalesce(sum(e.n) FILTER (WHERE e.kind = 'member_remove'), 0) AS member_removals,
                   (SELECT count(*) FROM users WHERE active) AS active_users
              FROM s CROSS JOIN w LEFT JOIN deprovisioning_events e ON e.at > w.since
             GROUP BY s.enabled, s.count_limit, s.share, s.window_seconds, s.bulk_members, s.engaged, s.engaged_at, s.reason,
                      s.held, s.last_held_at, s.released_at, s.window_start, w.since
            """, cancellationToken: ct));
    }

    /// <summary>
    /// Who engaged or released the brake, and why, as one warning: the journal records only users, groups and
    /// memberships, so the brake's own history is the log's and deprovisioning_events'.
    /// </summary>
    void Record(string action, string by, string reason) =>
        logger.LogWarning("Deprovisioning brake {Action} by {By}: {Reason}", action, by, reason);
}

/// <summary>The brake row and what the window holds, as <c>ScimLite brake status</c> shows it.</summary>
public sealed class BrakeStatus
{
    public bool Enabled { get; set; }
    public int CountLimit { get; set; }
    public decimal Share { get; set; }
    public int WindowSeconds { get; set; }
    public int BulkMembers { get; set; }
    public bool Engaged { get; set; }
    public DateTime? EngagedAt { get; set; }
    public string? Reason { get; set; }
    public long Held { get; set; }
    public DateTime? LastHeldAt { get; set; }
    public DateTime? ReleasedAt { get; set; }
    public DateTime? WindowStart { get; set; }
    public DateTime Since { get; set; }
    public long Deactivations { get; set; }
    public long Deletions { get; set; }
    public long MemberRemovals { get; set; }
    public long ActiveUsers { get; set; }
}
