namespace ScimLite.Requests;

/// <summary>The request log's bounds (<c>Scim:RequestLog:*</c>, env <c>Scim__RequestLog__…</c>).</summary>
public sealed class RequestLogOptions
{
    public const string Section = "Scim:RequestLog";

    /// <summary>false: nothing is recorded (no buffering, no queue).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Rows older than this many days are purged.</summary>
    public int RetentionDays { get; set; } = 7;

    /// <summary>At most this many rows are kept; the oldest beyond it are purged.</summary>
    public int MaxRows { get; set; } = 100_000;

    /// <summary>Records per second per client (requests without a valid token share one bucket) …</summary>
    public int PermitsPerSecond { get; set; } = 10;

    /// <summary>… with bursts of this many. What the cap refuses is counted, not recorded.</summary>
    public int Burst { get; set; } = 100;

    /// <summary>How often each instance re-reads the operators' capture demands (request_capture).</summary>
    public int CaptureRefreshSeconds { get; set; } = 5;

    /// <summary>How often the purge runs.</summary>
    public int PurgeIntervalSeconds { get; set; } = 60;
}

public static class RequestLogServices
{
    /// <summary>The request log: its capture middleware's helpers, its background writer, demand cache and purge.</summary>
    public static IServiceCollection AddRequestLog(this IServiceCollection services)
    {
        services.AddOptions<RequestLogOptions>().BindConfiguration(RequestLogOptions.Section)
            .Validate(o => o.RetentionDays >= 1, "Scim:RequestLog:RetentionDays must be 1 or more.")
            .Validate(o => o.MaxRows >= 1, "Scim:RequestLog:MaxRows must be 1 or more.")
            .Validate(o => o.PermitsPerSecond >= 1 && o.Burst >= 1, "Scim:RequestLog:PermitsPerSecond and Burst must be 1 or more.")
            .Validate(o => o.CaptureRefreshSeconds is >= 1 and <= 300, "Scim:RequestLog:CaptureRefreshSeconds must be between 1 and 300.")
            .Validate(o => o.PurgeIntervalSeconds >= 1, "Scim:RequestLog:PurgeIntervalSeconds must be 1 or more.")
            .ValidateOnStart();
        services.AddSingleton<RecordRateCap>();
        services.AddSingleton<RequestLogWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<RequestLogWriter>());
        services.AddSingleton<CaptureDemands>();
        services.AddHostedService(sp => sp.GetRequiredService<CaptureDemands>());
        services.AddSingleton<RequestLogRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<RequestLogRetention>());
        return services;
    }
}
