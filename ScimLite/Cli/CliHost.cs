using Microsoft.Extensions.Options;
using Npgsql;
using ScimLite.Data;
using ScimLite.Scim;

namespace ScimLite.Cli;

/// <summary>
/// What an operator verb works with: the server's configuration (appsettings.json beside the binary, environment
/// variables, <c>--connection</c>), its database (migrated first, as the server would) and its options.
/// </summary>
public sealed class CliHost : IAsyncDisposable
{
    readonly IHost host;

    CliHost(IHost host) => this.host = host;

    public IServiceProvider Services => host.Services;
    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();
    public ScimOptions Options => Services.GetRequiredService<IOptions<ScimOptions>>().Value;
    public IConfiguration Configuration => Services.GetRequiredService<IConfiguration>();

    /// <summary>
    /// Opens the configured database and applies pending migrations. <paramref name="connectionString"/>, when given,
    /// overrides <c>ConnectionStrings:Scim</c>.
    /// </summary>
    public static async Task<CliHost> OpenAsync(string? connectionString, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        if (!string.IsNullOrWhiteSpace(connectionString))
            builder.Configuration["ConnectionStrings:Scim"] = connectionString;
        // An operator command prints its own output on stdout (`journal --json` is piped): only warnings and errors are
        // logged, whatever appsettings.json says for the server, and they go to stderr.
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.Logging.AddFilter("Npgsql", LogLevel.Warning);
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddOptions<ScimOptions>().BindConfiguration(ScimOptions.Section);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddScimData(builder.Configuration);
        var host = builder.Build();
        var cli = new CliHost(host);
        try
        {
            foreach (var migrator in host.Services.GetServices<IHostedService>().OfType<DatabaseMigrator>())
                await migrator.StartAsync(ct);
            return cli;
        }
        catch
        {
            await cli.DisposeAsync();
            throw;
        }
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
