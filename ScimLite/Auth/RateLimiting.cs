using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ScimLite.Http;
using ScimLite.Scim;

namespace ScimLite.Auth;

/// <summary>
/// Token-bucket rate limits on /scim/v2 (see <see cref="RateLimitOptions"/>). An authenticated request draws from its
/// client's bucket, keyed by the client's name, with the client's own limits when it has them
/// (<see cref="ScimClient.PermitsPerSecond"/>); any other request draws from its remote address's bucket, so a token
/// guesser is slowed too. Probes are never limited.
/// An exhausted bucket answers 429 with a SCIM error body and an integer Retry-After.
/// </summary>
public static class RateLimiting
{
    public static IServiceCollection AddScimRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ScimOptions>>((options, scim) =>
        {
            var limits = scim.Value.RateLimit;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, limits));
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    static RateLimitPartition<string> Partition(HttpContext context, RateLimitOptions limits)
    {
        if (!context.Request.Path.StartsWithSegments(ScimRequest.BasePath))
            return RateLimitPartition.GetNoLimiter("");
        if (ScimClient.Of(context) is { } client)
        {
            var permits = client.PermitsPerSecond ?? limits.PermitsPerSecond;
            var burst = client.Burst ?? limits.Burst;
            // The limits are part of the key, so a client whose limits change gets a fresh bucket at once.
            return RateLimitPartition.GetTokenBucketLimiter($"client:{client.Name}:{permits}/{burst}", _ => Bucket(permits, burst));
        }
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "-";
        return RateLimitPartition.GetTokenBucketLimiter("address:" + address, _ => Bucket(limits.AnonymousPermitsPerSecond, limits.AnonymousBurst));
    }

    static TokenBucketRateLimiterOptions Bucket(int permitsPerSecond, int burst) => new()
    {
        TokenLimit = Math.Max(burst, 1),
        TokensPerPeriod = Math.Max(permitsPerSecond, 1),
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken ct)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max((int)Math.Ceiling(retryAfter.TotalSeconds), 1)
            : 1;
        var error = new ScimException(StatusCodes.Status429TooManyRequests, null,
            $"Too many requests; retry after {seconds.ToString(CultureInfo.InvariantCulture)} s.") { RetryAfterSeconds = seconds };
        await ScimErrorHandler.WriteAsync(context.HttpContext, error, ct);
    }
}
