using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Npgsql;
using ScimLite.Data;
using ScimLite.Hosting;
using ScimLite.Scim;

namespace ScimLite.Cli;

/// <summary>
/// What an operator verb works with: the server's configuration (appsettings.json beside the binary, environment
/// variables, <c>--connection</c>), its database and its options. Opening checks, within 5 s, that the database answers
/// and that its schema is the one this binary ships; it never migrates (that is the server's and <c>migrate</c>'s job).
/// Every problem is a <see cref="CliFailure"/> with exit code 3 naming host, port and database, never the password.
/// </summary>
public sealed class CliHost : IAsyncDisposable
{
    /// <summary>How long a verb waits for an unreachable database before it gives up.</summary>
    public const int ConnectSeconds = 5;

    readonly IHost host;

    CliHost(IHost host, DatabaseName database) => (this.host, Database) = (host, database);

    public IServiceProvider Services => host.Services;
    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();
    public ScimOptions Options => Services.GetRequiredService<IOptions<ScimOptions>>().Value;
    public IConfiguration Configuration => Services.GetRequiredService<IConfiguration>();
    public DatabaseName Database { get; }

    /// <summary>Opens the configured database and checks its schema is current. <paramref name="connectionString"/>, when given, overrides <c>ConnectionStrings:Scim</c>.</summary>
    public static Task<CliHost> OpenAsync(string? connectionString, CancellationToken ct) => OpenAsync(connectionString, requireCurrentSchema: true, ct);

    public static async Task<CliHost> OpenAsync(string? connectionString, bool requireCurrentSchema, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        var database = DatabaseName.Resolve(string.IsNullOrWhiteSpace(connectionString) ? builder.Configuration.GetConnectionString("Scim") : connectionString);
        builder.Configuration["ConnectionStrings:Scim"] = database.WithConnectTimeout(ConnectSeconds);
        ConsoleLogging.ForVerbs(builder.Logging, builder.Configuration);
        builder.Services.AddOptions<ScimOptions>().BindConfiguration(ScimOptions.Section);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScimData(builder.Configuration);
        var cli = new CliHost(builder.Build(), database);
        try
        {
            await cli.ProbeAsync(ct);
            if (requireCurrentSchema)
                cli.RequireCurrentSchema();
            return cli;
        }
        catch
        {
            await cli.DisposeAsync();
            throw;
        }
    }

    async Task ProbeAsync(CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(ConnectSeconds));
        try
        {
            await using var connection = await DataSource.OpenConnectionAsync(deadline.Token);
        }
        catch (PostgresException ex)
        {
            throw CliFailure.Environment($"the database {Database} refused the connection: {ex.MessageText} ({ex.SqlState}). Check ConnectionStrings__Scim or --connection.");
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException
            || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            var why = ex is OperationCanceledException ? $"no answer within {ConnectSeconds} s" : Reason(ex);
            throw CliFailure.Environment($"cannot reach the database {Database}: {why}. Is it running, and are ConnectionStrings__Scim or --connection right?");
        }
    }

    void RequireCurrentSchema()
    {
        var state = Migrations.ReadState(DataSource);
        if (state.Applied.Count == 0)
            throw CliFailure.Environment($"the database {Database} has no ScimLite schema. Run `ScimLite migrate` (or start the server once), then try again.");
        if (!state.Current)
            throw CliFailure.Environment($"the database {Database} is at {state.Version}, behind this ScimLite: {state.Pending.Count} migration(s) pending "
                + $"({string.Join(", ", state.Pending.Select(Path.GetFileNameWithoutExtension))}). Run `ScimLite migrate`, then try again.");
    }

    static string Reason(Exception ex)
    {
        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
                return socket.Message;
        }
        return ex.Message.TrimEnd('.');
    }

    /// <summary>The <c>--connection</c> option every database verb takes.</summary>
    public static System.CommandLine.Option<string?> ConnectionOption() => new("--connection")
    {
        Description = "Npgsql connection string; default: ConnectionStrings:Scim from appsettings.json or ConnectionStrings__Scim.",
    };

    public async ValueTask DisposeAsync()
    {
        if (host is IAsyncDisposable disposable)
            await disposable.DisposeAsync();
        else
            host.Dispose();
    }
}

/// <summary>Where a connection string points, for messages: "scim on db.internal:5432" — never its password.</summary>
public sealed class DatabaseName
{
    readonly NpgsqlConnectionStringBuilder builder;

    DatabaseName(NpgsqlConnectionStringBuilder builder) => this.builder = builder;

    public static DatabaseName Resolve(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw CliFailure.Environment("no database configured: set ConnectionStrings__Scim or pass --connection \"Host=…;Database=…;Username=…\" "
                + "(from a checkout, scripts/scimlite uses the development database of scripts/run.sh).");
        try
        {
            return new DatabaseName(new NpgsqlConnectionStringBuilder(connectionString));
        }
        catch (ArgumentException ex)
        {
            throw CliFailure.Environment($"the connection string is not valid: {ex.Message.Split('(')[0].Trim().TrimEnd('.')}.");
        }
    }

    /// <summary>The connection string with Timeout at most <paramref name="seconds"/>.</summary>
    public string WithConnectTimeout(int seconds)
    {
        var copy = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
        if (copy.Timeout <= 0 || copy.Timeout > seconds)
            copy.Timeout = seconds;
        return copy.ConnectionString;
    }

    public override string ToString() =>
        $"{builder.Database ?? builder.Username ?? "(default)"} on {builder.Host ?? "localhost"}:{(builder.Port == 0 ? NpgsqlConnection.DefaultPort : builder.Port)}";
}
