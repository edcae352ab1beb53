using Dapper;
using Npgsql;

namespace ScimLite.Data;

public static class DataServices
{
    /// <summary>Registers the PostgreSQL data source, the transaction runner and the start-up migrator.</summary>
    public static IServiceCollection AddScimData(this IServiceCollection services, IConfiguration configuration)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddSingleton(sp =>
        {
            var connectionString = configuration.GetConnectionString("Scim");
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException(
                    "No database configured: set ConnectionStrings__Scim (or run scripts/run.sh, which starts a local PostgreSQL).");
            var builder = new NpgsqlDataSourceBuilder(WithTimeoutDefaults(connectionString));
            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            return builder.Build();
        });
        services.AddHttpContextAccessor();
        services.AddSingleton<Db>();
        services.AddSingleton<MigrationState>();
        services.AddHostedService<DatabaseMigrator>();
        return services;
    }

    /// <summary>
    /// Timeout=5 (connecting, and waiting for a pooled connection), Command Timeout=30, Max Auto Prepare=64 and
    /// No Reset On Close=true unless the connection string sets them. Auto-prepare lets PostgreSQL skip parsing and
    /// planning the few statements ScimLite sends again and again (lookups, the PATCH updates). ScimLite leaves no
    /// session state on a connection (no SET, temporary tables, LISTEN or advisory locks), so the reset Npgsql would
    /// otherwise send each time a pooled connection is reused — seven commands, a third of a lookup's database work —
    /// has nothing to undo. Npgsql's 15 s connect timeout, times the retries in <see cref="Transient"/>, would hold a request for
    /// a minute before its 503 when the database host stops answering; 5 s keeps that well under an IdP's timeout.
    /// </summary>
    public static string WithTimeoutDefaults(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant())
            .ToHashSet();
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.Contains("timeout"))
            builder.Timeout = 5;
        if (!given.Contains("commandtimeout"))
            builder.CommandTimeout = 30;
        if (!given.Contains("maxautoprepare"))
            builder.MaxAutoPrepare = 64;
        if (!given.Contains("noresetonclose"))
            builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
}
