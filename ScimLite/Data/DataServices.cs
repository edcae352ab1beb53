using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using ScimLite.Scim;

namespace ScimLite.Data;

public static class DataServices
{
    /// <summary>
    /// The key of the data source the start-up migration uses: the same database without the request deadline, so a
    /// migration that builds an index on a large table is not cut off after <see cref="ScimOptions.RequestTimeoutSeconds"/>.
    /// </summary>
    public const string MigrationsKey = "migrations";

    /// <summary>Registers the PostgreSQL data source, the transaction runner and the start-up migrator.</summary>
    public static IServiceCollection AddScimData(this IServiceCollection services, IConfiguration configuration)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddSingleton(sp => Build(sp, configuration, sp.GetService<IOptions<ScimOptions>>()?.Value.RequestTimeoutSeconds ?? 0));
        services.AddKeyedSingleton(MigrationsKey, (sp, _) => Build(sp, configuration, statementTimeoutSeconds: 0));
        services.AddSingleton<Db>();
        services.AddSingleton<MigrationState>();
        services.AddHostedService<DatabaseMigrator>();
        return services;
    }

    static NpgsqlDataSource Build(IServiceProvider services, IConfiguration configuration, int statementTimeoutSeconds)
    {
        var connectionString = configuration.GetConnectionString("Scim");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException(
                "No database configured: set ConnectionStrings__Scim (or run scripts/run.sh, which starts a local PostgreSQL).");
        var builder = new NpgsqlDataSourceBuilder(WithTimeoutDefaults(connectionString, statementTimeoutSeconds));
        builder.UseLoggerFactory(services.GetRequiredService<ILoggerFactory>());
        return builder.Build();
    }

    /// <summary>
    /// Timeout=5 (connecting, and waiting for a pooled connection), Command Timeout=30, Max Auto Prepare=64 and
    /// No Reset On Close=true unless the connection string sets them. Auto-prepare lets PostgreSQL skip parsing and
    /// planning the few statements ScimLite sends again and again (lookups, the PATCH updates). ScimLite leaves no
    /// session state on a connection (no SET, temporary tables, LISTEN or advisory locks), so the reset Npgsql would
    /// otherwise send each time a pooled connection is reused — seven commands, a third of a lookup's database work —
    /// has nothing to undo. Npgsql's 15 s connect timeout, times the retries in <see cref="Transient"/>, would hold a request for
    /// a minute before its 503 when the database host stops answering; 5 s keeps that well under an IdP's timeout.
    /// <para>
    /// Two server settings travel in the start-up packet (<c>Options=-c …</c>), so they cost no round trip per request:
    /// <c>jit=off</c>, because ScimLite's statements are short OLTP statements whose JIT compilation costs far more than
    /// it saves (a large PATCH spent minutes compiling, and a backend inside LLVM ignores cancellation); and
    /// <c>statement_timeout</c> = <paramref name="statementTimeoutSeconds"/> (the request deadline; 0 leaves it unset),
    /// so PostgreSQL itself stops a statement that outlives the request even when the client is gone. Command Timeout,
    /// Npgsql's own client-side limit, stays above the deadline: it is the backstop for a server that does not answer at
    /// all. Either setting in the connection string's own Options wins.
    /// </para>
    /// </summary>
    public static string WithTimeoutDefaults(string connectionString, int statementTimeoutSeconds = 0)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant())
            .ToHashSet();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("timeout"))
            builder.Timeout = 5;
        if (!given.Contains("commandtimeout"))
            builder.CommandTimeout = Math.Max(30, statementTimeoutSeconds + 5);
        if (!given.Contains("maxautoprepare"))
            builder.MaxAutoPrepare = 64;
        if (!given.Contains("noresetonclose"))
            builder.NoResetOnClose = true;
        var options = builder.Options ?? "";
        if (!Sets(options, "jit"))
            options += " -c jit=off";
        if (statementTimeoutSeconds > 0 && !Sets(options, "statement_timeout"))
            options += $" -c statement_timeout={statementTimeoutSeconds * 1000}";
        builder.Options = options.Trim();
        return builder.ConnectionString;
    }

    /// <summary>Whether Npgsql's Options (<c>-c name=value</c> or <c>--name=value</c>) set this server setting.</summary>
    static bool Sets(string options, string setting) =>
        Regex.IsMatch(options, $@"(^|[\s-]){setting}\s*=", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
