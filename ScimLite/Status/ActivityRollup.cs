using Dapper;
using Npgsql;
using ScimLite.Data;

namespace ScimLite.Status;

/// <summary>
/// Fills <c>journal_hourly</c> (sql/0013_journal_hourly.sql): follows the journal in the change feed's order from the
/// position in <c>journal_hourly_position</c> and adds each row of a finished transaction to the hour of its time, in
/// batches of <see cref="Batch"/>, each batch and its new position in one transaction. Every row is counted once,
/// however late its transaction commits. The position row is locked while a batch is counted (SKIP LOCKED: another
/// instance counting meanwhile is left to it). Runs at start-up and then every minute; hours older than 8 days are
/// removed.
/// </summary>
public sealed class ActivityRollup(NpgsqlDataSource dataSource, TimeProvider time, MigrationState migration,
    ILogger<ActivityRollup> logger) : BackgroundService
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);
    public const int Batch = 20_000;
    static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    const string LockSql = """
        INSERT INTO journal_hourly_position (xid, seq) VALUES ('0', 0) ON CONFLICT DO NOTHING;
        SELECT xid::text AS xid, seq FROM journal_hourly_position FOR UPDATE SKIP LOCKED
        """;

    // The batch is read once (a CTE used more than once is materialized), and both writes run whatever the final SELECT
    // reads; rows older than the window move the position only.
    const string CountSql = $"""
        WITH batch AS (
            SELECT j.xid, j.seq, j.at, j.action FROM journal j
             WHERE (j.xid, j.seq) > (@xid::xid8, @seq) AND j.xid < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY j.xid, j.seq LIMIT @batch),
        counted AS (
            INSERT INTO journal_hourly AS h (hour, created, deactivated, reactivated, deleted, members_added, members_removed, other)
            SELECT date_trunc('hour', b.at, 'UTC'), {ActivityQuery.CountsByAction}
              FROM batch b WHERE b.at >= @from GROUP BY 1
            ON CONFLICT (hour) DO UPDATE SET created = h.created + excluded.created,
                deactivated = h.deactivated + excluded.deactivated, reactivated = h.reactivated + excluded.reactivated,
                deleted = h.deleted + excluded.deleted, members_added = h.members_added + excluded.members_added,
                members_removed = h.members_removed + excluded.members_removed, other = h.other + excluded.other),
        moved AS (
            UPDATE journal_hourly_position p SET xid = last.xid, seq = last.seq
              FROM (SELECT b.xid, b.seq FROM batch b ORDER BY b.xid DESC, b.seq DESC LIMIT 1) AS last)
        SELECT count(*) FROM batch
        """;

    const string PurgeSql = "DELETE FROM journal_hourly WHERE hour < @before";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await migration.WaitAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RollUpAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return; // shutting down mid-batch: the batch rolls back and is counted next time
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Counting journal activity per hour failed ({Error}); next attempt in {Interval}", ex.GetType().Name, Interval);
            }
            await Task.Delay(Interval, time, stoppingToken);
        }
    }

    /// <summary>Counts the journal rows finished since the last run, batch by batch; returns how many rows it read.</summary>
    public async Task<long> RollUpAsync(CancellationToken ct)
    {
        var from = ActivityQuery.HourOf(time.GetUtcNow().UtcDateTime - Window);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(PurgeSql, new { before = from.AddDays(-1) }, cancellationToken: ct));
        long total = 0;
        while (true)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            var position = await connection.QuerySingleOrDefaultAsync<Position>(new CommandDefinition(LockSql, transaction: tx, cancellationToken: ct));
            if (position is null)
                return total; // another instance is counting
            var rows = await connection.QuerySingleAsync<long>(new CommandDefinition(CountSql, new { position.Xid, position.Seq, from, batch = Batch }, tx, cancellationToken: ct));
            await tx.CommitAsync(ct);
            total += rows;
            if (rows < Batch)
                return total;
        }
    }

    /// <summary>The last journal row counted, in the change feed's order; <see cref="Start"/> before any.</summary>
    public sealed record Position(string Xid, long Seq)
    {
        public static readonly Position Start = new("0", 0);
    }
}
