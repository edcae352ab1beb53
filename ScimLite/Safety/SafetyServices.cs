using Microsoft.Extensions.Options;
using ScimLite.Data;

namespace ScimLite.Safety;

public static class SafetyServices
{
    /// <summary>
    /// The brake's settings (written to the database at start-up), its refusal handler and the tombstone purge.
    /// Call after AddScimData (the settings are written once migrations ran) and before ScimErrorHandler is added
    /// (exception handlers run in the order they were added).
    /// </summary>
    public static IServiceCollection AddScimSafety(this IServiceCollection services)
    {
        services.AddOptions<BrakeOptions>().BindConfiguration(BrakeOptions.Section).ValidateOnStart()
            .Validate(o => o.Count >= 0 && o.Share is >= 0 and <= 1 && o.WindowMinutes > 0 && o.BulkMembers >= 0 && o.GraceMinutes is null or >= 0,
                "Scim:Brake: Count, BulkMembers and GraceMinutes must be >= 0, Share between 0 and 1, WindowMinutes > 0.");
        services.AddOptions<TombstoneOptions>().BindConfiguration(TombstoneOptions.Section).ValidateOnStart()
            .Validate(o => o.RetentionDays >= 0 && o.PurgeBatchSize > 0 && o.PurgeIntervalMinutes > 0,
                "Scim:Tombstones: RetentionDays must be >= 0, PurgeBatchSize and PurgeIntervalMinutes > 0.");
        services.AddSingleton<BrakeStore>();
        services.AddHostedService<BrakeSettingsWriter>();
        services.AddHostedService<BrakeStateWatcher>();
        services.AddHostedService<TombstonePurger>();
        services.AddExceptionHandler<BrakeRefusals>();
        return services;
    }
}

/// <summary>Writes Scim:Brake:* to the brake row at start-up, after the migrator (hosted services start in order).</summary>
public sealed class BrakeSettingsWriter(BrakeStore store, IOptions<BrakeOptions> options, ILogger<BrakeSettingsWriter> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var brake = options.Value;
        await Transient.StartupPipeline(logger).ExecuteAsync(ct => new ValueTask(store.WriteSettingsAsync(brake, ct)), cancellationToken);
        if (brake.Enabled)
            logger.LogInformation("Deprovisioning brake: engages above {Count} and {Share:P0} of the established active users within {Window} min "
                + "(established: created more than {Grace} min ago)", brake.Count, brake.Share, brake.WindowMinutes, brake.GraceMinutes ?? brake.WindowMinutes);
        else
            logger.LogWarning("Deprovisioning brake disabled (Scim:Brake:Enabled=false)");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
