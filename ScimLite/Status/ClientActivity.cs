using System.Collections.Concurrent;

namespace ScimLite.Status;

/// <summary>Requests and failures of one client over a past period, as this instance counted them.</summary>
public sealed record ClientCounts(long Requests, long Failures);

/// <summary>
/// Requests and failures (4xx/5xx) per client, counted in this process since it started, in one-minute buckets over
/// the last day: a few Interlocked operations per SCIM request, nothing written anywhere. The status page says it
/// counts this instance only. Requests without a valid token count under "-".
/// </summary>
public sealed class ClientActivity(TimeProvider time)
{
    const int Minutes = 24 * 60;

    sealed class Ring
    {
        public readonly long[] Stamps = new long[Minutes];
        public readonly long[] Requests = new long[Minutes];
        public readonly long[] Failures = new long[Minutes];
        public long LastTicks;
    }

    readonly ConcurrentDictionary<string, Ring> rings = new(StringComparer.Ordinal);

    public DateTime Started { get; } = time.GetUtcNow().UtcDateTime;

    public void Record(string? client, int status)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var ring = rings.GetOrAdd(client ?? "-", static _ => new Ring());
        var minute = now.Ticks / TimeSpan.TicksPerMinute;
        var i = (int)(minute % Minutes);
        var stamp = Volatile.Read(ref ring.Stamps[i]);
        // The first request of a new minute clears the bucket it reuses; a request racing it may go uncounted.
        if (stamp != minute && Interlocked.CompareExchange(ref ring.Stamps[i], minute, stamp) == stamp)
        {
            Interlocked.Exchange(ref ring.Requests[i], 0);
            Interlocked.Exchange(ref ring.Failures[i], 0);
        }
        Interlocked.Increment(ref ring.Requests[i]);
        if (status >= 400)
            Interlocked.Increment(ref ring.Failures[i]);
        Volatile.Write(ref ring.LastTicks, now.Ticks);
    }

    /// <summary>The client's counts over the last <paramref name="period"/> (at most a day), to the minute.</summary>
    public ClientCounts Over(string client, TimeSpan period)
    {
        if (!rings.TryGetValue(client, out var ring))
            return new ClientCounts(0, 0);
        var now = time.GetUtcNow().UtcDateTime.Ticks / TimeSpan.TicksPerMinute;
        var span = Math.Min(Minutes, (long)period.TotalMinutes);
        long requests = 0, failures = 0;
        for (var minute = now - span + 1; minute <= now; minute++)
        {
            var i = (int)(minute % Minutes);
            if (Volatile.Read(ref ring.Stamps[i]) != minute)
                continue;
            requests += Volatile.Read(ref ring.Requests[i]);
            failures += Volatile.Read(ref ring.Failures[i]);
        }
        return new ClientCounts(requests, failures);
    }

    /// <summary>When this instance last answered the client, or null.</summary>
    public DateTime? LastRequest(string client) =>
        rings.TryGetValue(client, out var ring) && Volatile.Read(ref ring.LastTicks) is > 0 and var ticks
            ? new DateTime(ticks, DateTimeKind.Utc) : null;

    /// <summary>Every name counted so far (clients and "-").</summary>
    public IEnumerable<string> Names => rings.Keys;
}

/// <summary>Feeds <see cref="ClientActivity"/> from every /scim/v2 request; runs outside the exception handler, so it sees the status sent.</summary>
public sealed class ClientActivityCounter(RequestDelegate next, ClientActivity activity)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(Http.ScimRequest.BasePath))
        {
            await next(context);
            return;
        }
        try
        {
            await next(context);
        }
        finally
        {
            activity.Record(context.User.Identity?.Name, context.Response.StatusCode);
        }
    }
}
