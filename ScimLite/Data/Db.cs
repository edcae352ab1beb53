using System.Data;
using Npgsql;
using Polly;

namespace ScimLite.Data;

/// <summary>
/// Runs one request's statements in one transaction, retrying the whole transaction on transient faults
/// (see <see cref="Transient"/>). Handlers never open connections themselves.
/// </summary>
public sealed class Db(NpgsqlDataSource dataSource, ILogger<Db> logger)
{
    readonly ResiliencePipeline pipeline = Transient.RequestPipeline(logger);

    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>Runs <paramref name="work"/> in a READ COMMITTED transaction and commits it.</summary>
    public async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        return await pipeline.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, token);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(token);
            return result;
        }, ct);
    }

    /// <summary>Runs a read with no explicit transaction (one statement, or a batch that is its own snapshot).</summary>
    public async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken ct)
    {
        return await pipeline.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token);
            return await work(connection);
        }, ct);
    }
}
