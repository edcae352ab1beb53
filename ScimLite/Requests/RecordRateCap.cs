using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ScimLite.Requests;

/// <summary>
/// A token bucket per client name (requests without a valid token share the "-" bucket): at most
/// <see cref="RequestLogOptions.PermitsPerSecond"/> records a second after a burst of <see cref="RequestLogOptions.Burst"/>.
/// Client names come from the token directory, so the buckets are few.
/// </summary>
public sealed class RecordRateCap(IOptions<RequestLogOptions> options, TimeProvider time)
{
    readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);

    public bool TryTake(string? client)
    {
        var o = options.Value;
        var bucket = buckets.GetOrAdd(client ?? "-", _ => new Bucket(o.Burst, time.GetTimestamp()));
        return bucket.TryTake(o.PermitsPerSecond, o.Burst, time);
    }

    sealed class Bucket(double tokens, long last)
    {
        public bool TryTake(int perSecond, int burst, TimeProvider time)
        {
            lock (this)
            {
                var now = time.GetTimestamp();
                tokens = Math.Min(burst, tokens + time.GetElapsedTime(last, now).TotalSeconds * perSecond);
                last = now;
                if (tokens < 1)
                    return false;
                tokens -= 1;
                return true;
            }
        }
    }
}
