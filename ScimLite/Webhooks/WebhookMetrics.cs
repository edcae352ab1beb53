using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ScimLite.Webhooks;

/// <summary>
/// Webhook delivery's instruments (meter <c>ScimLite.Webhooks</c>), tagged with the endpoint's name
/// (<c>webhook.endpoint</c>): events delivered, failed attempts, and — from the instance delivering the endpoint — its
/// lag in journal rows and in seconds (the age of the oldest row not yet delivered; 0 when caught up).
/// </summary>
public static class WebhookMetrics
{
    public const string MeterName = "ScimLite.Webhooks";

    static readonly Meter Meter = new(MeterName);
    static readonly Counter<long> Delivered = Meter.CreateCounter<long>("scimlite.webhooks.delivered", "{event}", "Events a webhook endpoint answered 2xx to.");
    static readonly Counter<long> Failed = Meter.CreateCounter<long>("scimlite.webhooks.failed", "{attempt}", "Webhook POSTs that failed (not 2xx, no answer, unreachable).");
    static readonly ConcurrentDictionary<string, (long Events, double Seconds)> Lags = new(StringComparer.Ordinal);

    static WebhookMetrics()
    {
        Meter.CreateObservableGauge("scimlite.webhooks.lag_events", () => Lags.Select(l => new Measurement<long>(l.Value.Events, Tag(l.Key))),
            "{event}", "Journal rows after the endpoint's position.");
        Meter.CreateObservableGauge("scimlite.webhooks.lag", () => Lags.Select(l => new Measurement<double>(l.Value.Seconds, Tag(l.Key))),
            "s", "Age of the oldest journal row the endpoint has not been sent yet.");
    }

    public static void Deliver(string endpoint, long events) => Delivered.Add(events, Tag(endpoint));

    public static void Fail(string endpoint) => Failed.Add(1, Tag(endpoint));

    /// <summary>The endpoint's lag as this instance last measured it while delivering it.</summary>
    public static void Lag(string endpoint, long events, double seconds) => Lags[endpoint] = (events, seconds);

    /// <summary>This instance no longer delivers the endpoint: it stops reporting its lag.</summary>
    public static void Forget(string endpoint) => Lags.TryRemove(endpoint, out _);

    static KeyValuePair<string, object?> Tag(string endpoint) => new("webhook.endpoint", endpoint);
}

/// <summary>The wait before the next attempt: exponential from the minimum, capped, with jitter.</summary>
public static class WebhookBackoff
{
    /// <summary>
    /// After <paramref name="failures"/> failed attempts (1 or more): <c>min × 2^(failures−1)</c>, capped at
    /// <paramref name="max"/>, then scaled into [½, 1] of itself by <paramref name="jitter"/> (0 to 1), so instances
    /// retrying the same receiver spread out.
    /// </summary>
    public static TimeSpan Delay(int failures, TimeSpan min, TimeSpan max, double jitter)
    {
        var exponent = Math.Clamp(failures - 1, 0, 40);
        var full = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(full * (0.5 + 0.5 * Math.Clamp(jitter, 0, 1)));
    }
}
