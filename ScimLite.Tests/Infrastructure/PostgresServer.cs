using Npgsql;
using Testcontainers.PostgreSql;

namespace ScimLite.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL for the tests, from the first source that works:
/// <list type="number">
/// <item><c>SCIMLITE_TEST_CONNECTION</c>: an existing server (no stop/start).</item>
/// <item>Docker through Testcontainers, when <c>SCIMLITE_TEST_DOCKER=1</c>, or when a Docker socket exists and a
/// container starts (<c>SCIMLITE_TEST_DOCKER=0</c> skips the attempt).</item>
/// <item>A cluster of its own from local PostgreSQL binaries (initdb/pg_ctl), in a temp dir on a free loopback port.</item>
/// </list>
/// <see cref="StopAsync"/> / <see cref="StartAsync"/> take the same server down and up again on the same port, for
/// tests that kill the database under the application.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    readonly LocalCluster? local;
    readonly PostgreSqlContainer? container;

    PostgresServer(string connectionString, LocalCluster? local = null, PostgreSqlContainer? container = null)
    {
        ConnectionString = connectionString;
        this.local = local;
        this.container = container;
    }

    /// <summary>Connection string to the maintenance database <c>postgres</c> as a superuser.</summary>
    public string ConnectionString { get; }

    /// <summary>False for an external server (<c>SCIMLITE_TEST_CONNECTION</c>), which the tests must not stop.</summary>
    public bool CanRestart => local is not null || container is not null;

    /// <summary>The same server's connection string with another database.</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { Database = database }.ConnectionString;

    public static async Task<PostgresServer> StartNewAsync()
    {
        var external = Environment.GetEnvironmentVariable("SCIMLITE_TEST_CONNECTION");
        if (!string.IsNullOrWhiteSpace(external))
            return new PostgresServer(external);

        var docker = Environment.GetEnvironmentVariable("SCIMLITE_TEST_DOCKER");
        if (docker == "1")
            return await StartContainerAsync();
        if (docker != "0" && DockerLooksAvailable())
        {
            try
            {
                return await StartContainerAsync();
            }
            catch (Exception ex)
            {
                // A stale socket with no engine behind it: fall back to local binaries rather than fail the run.
                Console.Error.WriteLine($"PostgresServer: Docker did not start a container ({ex.GetType().Name}); using local binaries.");
            }
        }

        var cluster = await LocalCluster.CreateAsync();
        return new PostgresServer(cluster.ConnectionString, local: cluster);
    }

    public async Task StopAsync()
    {
        if (local is not null) await local.StopAsync();
        else if (container is not null) await container.StopAsync();
        else throw new NotSupportedException("An external server (SCIMLITE_TEST_CONNECTION) is not stopped by the tests.");
    }

    public async Task StartAsync()
    {
        if (local is not null) await local.StartAsync();
        else if (container is not null) await container.StartAsync();
        else throw new NotSupportedException("An external server (SCIMLITE_TEST_CONNECTION) is not started by the tests.");
    }

    public async ValueTask DisposeAsync()
    {
        if (local is not null) await local.DisposeAsync();
        if (container is not null) await container.DisposeAsync();
    }

    static bool DockerLooksAvailable() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");

    static async Task<PostgresServer> StartContainerAsync()
    {
        // A fixed host port, so a restarted container is reachable at the same address as before.
        var port = LocalCluster.FreePort();
        var container = new PostgreSqlBuilder("postgres:15-alpine")
            .WithPortBinding(port, 5432)
            .WithCommand("-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=200")
            .Build();
        await container.StartAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(container.GetConnectionString())
        {
            Host = "127.0.0.1", Port = port, Database = "postgres",
        }.ConnectionString;
        return new PostgresServer(connectionString, container: container);
    }
}
