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
    // Up-down counters moved by the change since the last measurement, so each endpoint's series is its current lag
    // (exported as a gauge) and an instance that stops delivering an endpoint takes its own contribution back to 0.
    static readonly UpDownCounter<long> LagEvents = Meter.CreateUpDownCounter<long>("scimlite.webhooks.lag_events", "{event}",
        "Journal rows after the endpoint's position, as measured by the instance delivering it.");
    static readonly UpDownCounter<double> LagSeconds = Meter.CreateUpDownCounter<double>("scimlite.webhooks.lag", "s",
        "Age of the oldest journal row the endpoint has not been sent yet, as measured by the instance delivering it.");
    static readonly Dictionary<string, (long Events, double Seconds)> Reported = new(StringComparer.Ordinal);

    public static void Deliver(string endpoint, long events) => Delivered.Add(events, Tag(endpoint));

    public static void Fail(string endpoint) => Failed.Add(1, Tag(endpoint));

    /// <summary>The endpoint's lag as this instance last measured it while delivering it.</summary>
    public static void Lag(string endpoint, long events, double seconds)
    {
        lock (Reported)
        {
            var (oldEvents, oldSeconds) = Reported.GetValueOrDefault(endpoint);
            Reported[endpoint] = (events, seconds);
            LagEvents.Add(events - oldEvents, Tag(endpoint));
            LagSeconds.Add(seconds - oldSeconds, Tag(endpoint));
        }
    }

    /// <summary>This instance no longer delivers the endpoint: its lag series returns to 0.</summary>
    public static void Forget(string endpoint) => Lag(endpoint, 0, 0);

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
