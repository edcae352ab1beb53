using Npgsql;

namespace ScimLite.Data;

/// <summary>Whether the start-up migration has completed: /readyz reads it, background services wait for it.</summary>
public sealed class MigrationState
{
    readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Done => done.Task.IsCompleted;

    public void MarkDone() => done.TrySetResult();

    /// <summary>Completes when the schema is in place (or throws when <paramref name="ct"/> is cancelled first).</summary>
    public Task WaitAsync(CancellationToken ct) => done.Task.WaitAsync(ct);
}

/// <summary>
/// Applies sql/NNNN_*.sql with DbUp before the server accepts requests: scripts by file name, in order, each in its
/// own transaction, journalled in <c>schemaversions</c>. A failed script stops start-up. It runs on the data source
/// without the request deadline (<see cref="DataServices.MigrationsKey"/>).
/// </summary>
public sealed class DatabaseMigrator(
    [FromKeyedServices(DataServices.MigrationsKey)] NpgsqlDataSource dataSource, MigrationState state, ILogger<DatabaseMigrator> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await Transient.StartupPipeline(logger).ExecuteAsync(async ct =>
        {
            await using var probe = await dataSource.OpenConnectionAsync(ct);
        }, cancellationToken);

        Migrations.Apply(dataSource, new DbUpLog(logger));
        state.MarkDone();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    sealed class DbUpLog(ILogger logger) : DbUp.Engine.Output.IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => logger.LogTrace(format, args);
        public void LogDebug(string format, params object[] args) => logger.LogDebug(format, args);
        public void LogInformation(string format, params object[] args) => logger.LogInformation(format, args);
        public void LogWarning(string format, params object[] args) => logger.LogWarning(format, args);
        public void LogError(string format, params object[] args) => logger.LogError(format, args);
        public void LogError(Exception ex, string format, params object[] args) => logger.LogError(ex, format, args);
    }
}
