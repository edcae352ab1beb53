using System.Diagnostics.Metrics;

namespace ScimLite.Requests;

/// <summary>
/// The request log's counters (meter <c>ScimLite.RequestLog</c>): records written, and records dropped by reason —
/// <c>rate_cap</c> (the client's records per second), <c>queue_full</c> (the writer fell behind), <c>database</c> (the
/// insert failed), <c>failed</c> (the record could not be made). Tagged with the client (<c>scim.client</c>, "-" without a valid token).
/// </summary>
public static class RequestLogMetrics
{
    public const string MeterName = "ScimLite.RequestLog";
    public const string DroppedName = "scimlite.request_log.dropped";
    public const string RateCap = "rate_cap", QueueFull = "queue_full", Database = "database", Failed = "failed";

    static readonly Meter Meter = new(MeterName);
    static readonly Counter<long> Written = Meter.CreateCounter<long>("scimlite.request_log.written", "{record}", "Request records written to request_log.");
    static readonly Counter<long> Dropped = Meter.CreateCounter<long>(DroppedName, "{record}", "Request records not written, by reason.");

    public static void Wrote(long count) => Written.Add(count);

    public static void Drop(string reason, string? client, long count = 1) =>
        Dropped.Add(count, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("scim.client", client ?? "-"));
}
