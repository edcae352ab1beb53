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
            INSERT INTO brake (id, enabled, count_limit, share, window_seconds, bulk_members, grace_seconds)
            VALUES (true, @Enabled, @Count, @Share, @WindowMinutes * 60, @BulkMembers, @GraceMinutes * 60)
            ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, count_limit = excluded.count_limit,
                share = excluded.share, window_seconds = excluded.window_seconds, bulk_members = excluded.bulk_members,
                grace_seconds = excluded.grace_seconds
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

    /// <summary>
    /// Counts one refused request as held. The request that crossed the threshold (<paramref name="crossingReason"/>
    /// set) also engages the brake unless another one did first, in the same transaction; true when this call engaged it.
    /// </summary>
    public async Task<bool> RefuseAsync(string? crossingReason, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (crossingReason is null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE brake SET held = held + 1, last_held_at = now() WHERE id", cancellationToken: ct));
            return false;
        }
        await using var tx = await connection.BeginTransactionAsync(ct);
        var wasEngaged = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(
            "SELECT engaged FROM brake WHERE id FOR UPDATE", transaction: tx, cancellationToken: ct)) ?? false;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO brake (id, engaged, engaged_at, reason, held, last_held_at)
            VALUES (true, true, now(), @reason, 1, now())
            ON CONFLICT (id) DO UPDATE SET
                held = CASE WHEN brake.engaged THEN brake.held + 1 ELSE 1 END,
                reason = CASE WHEN brake.engaged THEN brake.reason ELSE excluded.reason END,
                engaged_at = CASE WHEN brake.engaged THEN brake.engaged_at ELSE now() END,
                engaged = true, last_held_at = now()
            """, new { reason = crossingReason }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        if (!wasEngaged)
            Record("engaged", "threshold", crossingReason);
        return !wasEngaged;
    }

    public async Task<BrakeStatus> StatusAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // The same functions the triggers use (sql/0009_brake_established.sql): defaults when there is no row.
        return await connection.QuerySingleAsync<BrakeStatus>(new CommandDefinition("""
            WITH s AS (SELECT * FROM scimlite_brake_settings()),
                 w AS (SELECT greatest(now() - make_interval(secs => s.window_seconds), s.window_start) AS since,
                              scimlite_brake_cutoff() AS cutoff FROM s)
            SELECT s.enabled, s.count_limit, s.share, s.window_seconds, s.bulk_members, s.engaged, s.engaged_at, s.reason,
                   s.held, s.last_held_at, s.released_at, coalesce(s.grace_seconds, s.window_seconds) AS grace_seconds,
                   w.since, e.deactivations, e.deletions, e.member_removals,
                   scimlite_established_active_users(w.cutoff) AS established_active,
                   (SELECT coalesce(sum(c.n), 0) FROM resource_counts c WHERE c.table_name = 'users_active') AS active_users
              FROM s CROSS JOIN w CROSS JOIN LATERAL (
                   SELECT coalesce(sum(d.n) FILTER (WHERE d.kind = 'deactivate'), 0) AS deactivations,
                          coalesce(sum(d.n) FILTER (WHERE d.kind = 'delete'), 0) AS deletions,
                          coalesce(sum(d.n) FILTER (WHERE d.kind = 'member_remove'), 0) AS member_removals
                     FROM deprovisioning_events d WHERE d.at > w.since) e
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
    public int GraceSeconds { get; set; }
    public DateTime Since { get; set; }
    /// <summary>Established users deactivated, deleted, and established memberships removed in the window.</summary>
    public long Deactivations { get; set; }
    public long Deletions { get; set; }
    public long MemberRemovals { get; set; }
    /// <summary>Active users created more than the grace ago, and all active users.</summary>
    public long EstablishedActive { get; set; }
    public long ActiveUsers { get; set; }
}
