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
            var builder = new NpgsqlDataSourceBuilder(connectionString);
            builder.UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>());
            return builder.Build();
        });
        services.AddSingleton<Db>();
        services.AddSingleton<MigrationState>();
        services.AddHostedService<DatabaseMigrator>();
        return services;
    }
}
