using System.Data;
using Npgsql;
using Polly;

namespace ScimLite.Data;

/// <summary>
/// Runs one request's statements in one transaction, retrying the whole transaction on transient faults
/// (see <see cref="Transient"/>). Handlers never open connections themselves.
/// </summary>
/// <remarks>
/// A retry re-runs <c>work</c> from the start, so <c>work</c> must be safe to run again after a COMMIT whose answer was
/// lost: the server may have committed before the connection broke. Creates fix their id before the first attempt and
/// insert with <c>ON CONFLICT (id) DO NOTHING</c>, so a retry finds its own row (one user, answered 201) instead of
/// tripping the userName index (a 409 for a create that worked). Membership adds and removes are idempotent already.
/// What stays ambiguous is answered conservatively: a retried PUT/PATCH with If-Match may see its own new version
/// and answer 412, a retried DELETE may answer 404; the IdP re-reads and converges.
/// </remarks>
public sealed class Db(NpgsqlDataSource dataSource, ILogger<Db> logger)
{
    // Clearing the pool drops the idle connections to a server that went away; the retry then opens a fresh one.
    readonly ResiliencePipeline pipeline = Transient.RequestPipeline(logger, dataSource.Clear);

    /// <summary>
    /// Runs <paramref name="work"/> in a READ COMMITTED transaction and commits it. The transaction's first statement
    /// tells the journal's triggers who is writing (<paramref name="writer"/>), when it is known (see
    /// <see cref="WriteTransaction"/>); work that wrote without making that statement is a bug, and rolls back.
    /// </summary>
    public Task<T> InTransactionAsync<T>(WriteContext? writer, Func<WriteTransaction, Task<T>> work, CancellationToken ct) =>
        WriteAsync(writer, explicitTransaction: true, work, ct);

    /// <summary>
    /// A write that is one statement, and reads after it that only decide the answer (why no row matched): the writer's
    /// context and the statement go out in one batch with no BEGIN and no COMMIT, which PostgreSQL runs as one implicit
    /// transaction, so the two commit together or not at all, and a statement that fails (a trigger's refusal, a
    /// constraint) changes nothing. One round trip where <see cref="InTransactionAsync{T}"/> takes two. The statement is
    /// made with <see cref="WriteTransaction.Command"/>, once.
    /// </summary>
    public Task<T> InOneStatementAsync<T>(WriteContext? writer, Func<WriteTransaction, Task<T>> work, CancellationToken ct) =>
        WriteAsync(writer, explicitTransaction: false, work, ct);

    async Task<T> WriteAsync<T>(WriteContext? writer, bool explicitTransaction, Func<WriteTransaction, Task<T>> work, CancellationToken ct)
    {
        return await pipeline.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token);
            return await TimedAsync(async () =>
            {
                await using var transaction = explicitTransaction
                    ? await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, token)
                    : null;
                var write = new WriteTransaction(connection, transaction, writer);
                var result = await work(write);
                if (write.ContextPending)
                    throw new InvalidOperationException("A write ended without sending its writer's context (WriteTransaction.Command).");
                if (transaction is not null)
                    await transaction.CommitAsync(token);
                return result;
            });
        }, ct);
    }

    /// <summary>
    /// Runs a read with no explicit transaction. Each statement sees its own READ COMMITTED snapshot, so a list's count
    /// and page may differ by a concurrent write, which SCIM paging tolerates (RFC 7644 §3.4.2.4).
    /// </summary>
    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        return await pipeline.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token);
            return await TimedAsync(() => work(connection));
        }, ct);
    }

    /// <summary>
    /// Statements on an open connection: a timeout here is the statement's own (Command Timeout), not a database out of
    /// reach, so it leaves as <see cref="DatabaseTimeoutException"/>, which <see cref="Transient"/> never retries.
    /// </summary>
    static async Task<T> TimedAsync<T>(Func<Task<T>> statements)
    {
        try
        {
            return await statements();
        }
        catch (NpgsqlException ex) when (ex.InnerException is TimeoutException)
        {
            throw new DatabaseTimeoutException(ex);
        }
    }
}
