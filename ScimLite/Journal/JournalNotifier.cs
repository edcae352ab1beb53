using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using ScimLite.Data;

namespace ScimLite.Journal;

/// <summary>
/// The change feed's announcer: every <see cref="JournalOptions.NotifyIntervalMilliseconds"/> it looks at the feed's
/// head — the last row, in (xid, seq) order, that no running transaction can still precede, which is exactly what
/// the feed query in docs/database.md can return — and when the head has moved since the last announcement it sends
/// <c>NOTIFY scimlite_journal, '&lt;seq&gt;'</c> with the head row's seq. The announced position lives in the one row
/// of <c>journal_feed</c> (<c>sql/0008_journal_cost.sql</c>), moved forward in the notifying transaction, so several
/// instances announce each head once. Writes themselves never notify: PostgreSQL commits notifying transactions one
/// at a time, and a NOTIFY per write made every write wait for the others' disk flushes.
/// </summary>
public sealed class JournalNotifier(NpgsqlDataSource dataSource, IOptions<JournalOptions> options, MigrationState migration,
    ILogger<JournalNotifier> logger) : BackgroundService
{
    // The head is one backward step of journal_feed_idx. A head already announced stops here, so an idle tick only
    // reads (ON CONFLICT DO UPDATE locks the row even when its WHERE is false). The upsert (not a plain UPDATE)
    // recreates the row when someone emptied the table; ON CONFLICT's WHERE makes a concurrent instance's second
    // announcement of the same head a no-op, because it re-reads the row the first one committed.
    const string AnnounceSql = """
        WITH head AS (
            SELECT xid, seq FROM journal
             WHERE xid < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY xid DESC, seq DESC
             LIMIT 1),
        moved AS (
            INSERT INTO journal_feed AS f (xid, seq)
            SELECT h.xid, h.seq FROM head h
             WHERE NOT EXISTS (SELECT FROM journal_feed a WHERE (a.xid, a.seq) >= (h.xid, h.seq))
            ON CONFLICT (only_row) DO UPDATE SET xid = excluded.xid, seq = excluded.seq
             WHERE (excluded.xid, excluded.seq) > (f.xid, f.seq)
            RETURNING f.seq)
        SELECT seq FROM moved, pg_notify('scimlite_journal', moved.seq::text)
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var milliseconds = options.Value.NotifyIntervalMilliseconds;
        if (milliseconds == 0)
            return;
        await migration.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(milliseconds));
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await AnnounceAsync(stoppingToken);
                if (failing)
                    logger.LogInformation("Journal notifier works again.");
                failing = false;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                // Logged once per failing spell; the next announcement covers everything the missed ones would have.
                if (!failing)
                    logger.LogWarning("Journal notifier failed ({Error}: {Message}); it tries again every interval.", ex.GetType().Name, ex.Message);
                failing = true;
            }
        }
    }

    /// <summary>Announces the feed's head if it moved; returns the announced seq, or null when there was nothing new.</summary>
    public async Task<long?> AnnounceAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(AnnounceSql, cancellationToken: ct));
    }
}
