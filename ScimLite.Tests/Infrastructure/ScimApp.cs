using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Respawn;
using Respawn.Graph;

namespace ScimLite.Tests.Infrastructure;

/// <summary>Every test class that talks to the server joins this collection, so they share one <see cref="ScimApp"/>.</summary>
[CollectionDefinition("scim")]
public sealed class ScimCollection : ICollectionFixture<ScimApp>;

/// <summary>
/// The server under test, once per run: one PostgreSQL, one database, one migrated ScimLite host, one Respawner.
/// Test classes call <see cref="ResetAsync"/> from <c>InitializeAsync</c> so no test sees another's rows.
/// </summary>
public sealed class ScimApp : IAsyncLifetime
{
    readonly string database = $"scim_test_{Guid.NewGuid():N}";
    PostgresServer? postgres;
    NpgsqlDataSource? dataSource;
    TestFactory? factory;
    Respawner? respawner;

    /// <summary>The bearer token the server accepts in this run (random, so no test depends on a known value).</summary>
    public string Token { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();

    /// <summary>The PostgreSQL server; its <c>StopAsync</c>/<c>StartAsync</c> let a test take the database away.</summary>
    public PostgresServer Postgres => postgres ?? throw NotStarted();

    /// <summary>Connection string of the test database, as the server has it in <c>ConnectionStrings:Scim</c>.</summary>
    public string ConnectionString => Postgres.ConnectionStringFor(database);

    /// <summary>The host itself, for tests that need its services (<c>Factory.Services</c>).</summary>
    public WebApplicationFactory<Program> Factory => factory ?? throw NotStarted();

    /// <summary>A client that sends <c>Authorization: Bearer {Token}</c>.</summary>
    public HttpClient CreateClient()
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    /// <summary>A client with no credentials, for auth and health tests.</summary>
    public HttpClient CreateAnonymousClient() => Factory.CreateClient();

    /// <summary>Empties every table except the migration journal.</summary>
    public async Task ResetAsync()
    {
        await using var connection = await OpenConnectionAsync();
        await (respawner ?? throw NotStarted()).ResetAsync(connection);
    }

    /// <summary>An open connection to the test database, for arranging or asserting rows directly.</summary>
    public async Task<NpgsqlConnection> OpenConnectionAsync() =>
        await (dataSource ?? throw NotStarted()).OpenConnectionAsync();

    public async Task InitializeAsync()
    {
        postgres = await PostgresServer.StartNewAsync();
        await using (var admin = new NpgsqlConnection(postgres.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync();
        }
        // No pooling for the tests' own connections: after Postgres.StopAsync/StartAsync a pooled one would be dead.
        dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false });

        factory = new TestFactory(ConnectionString, Token);
        // Starting the host runs the migrator; /readyz then proves the schema is in place before Respawn reads it.
        using (var client = factory.CreateClient())
            await WaitUntilReadyAsync(client);

        await using var connection = await OpenConnectionAsync();
        respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = ["public"],
            // schemaversions is DbUp's journal: emptying it would re-run migrations. journal_feed is the change feed's
            // announced position, which the hosts' notifiers update every 100 ms: truncating it with the journal
            // deadlocks against them, and its position stays valid (seq and xid only grow).
            TablesToIgnore = [new Table("schemaversions"), new Table("journal_feed")],
        });
    }

    public async Task DisposeAsync()
    {
        if (factory is not null) await factory.DisposeAsync();
        if (dataSource is not null) await dataSource.DisposeAsync();
        if (postgres is null) return;
        if (!postgres.CanRestart)
        {
            // An external server outlives the run: leave it as we found it.
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(postgres.ConnectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
        await postgres.DisposeAsync();
    }

    static async Task WaitUntilReadyAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync("/readyz");
            if (response.IsSuccessStatusCode) return;
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"/readyz still answers {(int)response.StatusCode} after 60 s: {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(100);
        }
    }

    static InvalidOperationException NotStarted() => new("ScimApp is not initialised; use it as a collection fixture.");

    sealed class TestFactory(string connectionString, string token) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            // UseSetting is visible while Program.cs builds; the in-memory source, added last, also wins over any
            // ConnectionStrings__Scim / Scim__Tokens__0 in the developer's environment.
            builder.UseSetting("ConnectionStrings:Scim", connectionString);
            builder.UseSetting("Scim:Tokens:0", token);
            // The whole suite shares one token and one in-memory "address": the rate limiter is tested on its own
            // hosts (Security/AuthTests), not here.
            builder.UseSetting("Scim:RateLimit:PermitsPerSecond", "1000000");
            builder.UseSetting("Scim:RateLimit:Burst", "1000000");
            builder.UseSetting("Scim:RateLimit:AnonymousPermitsPerSecond", "1000000");
            builder.UseSetting("Scim:RateLimit:AnonymousBurst", "1000000");
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Scim"] = connectionString,
                ["Scim:Tokens:0"] = token,
            }));
        }
    }
}
