using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ScimLite.Scim;

namespace ScimLite.Auth;

/// <summary>
/// Token-bucket rate limits on /scim/v2 (see <see cref="RateLimitOptions"/>). A request with a valid token draws from
/// that token's bucket, keyed by a digest prefix, never the token; any other request draws from its remote address's
/// bucket, and is limited before authentication so a token guesser is slowed too. Probes are never limited.
/// An exhausted bucket answers 429 with a SCIM error body and an integer Retry-After.
/// </summary>
public static class RateLimiting
{
    public static IServiceCollection AddScimRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ScimOptions>, BearerTokens>((options, scim, tokens) =>
        {
            var limits = scim.Value.RateLimit;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, tokens, limits));
            options.OnRejected = RejectAsync;
        });
        return services;
    }

    static RateLimitPartition<string> Partition(HttpContext context, BearerTokens tokens, RateLimitOptions limits)
    {
        if (!context.Request.Path.StartsWithSegments(ScimHttp.BasePath))
            return RateLimitPartition.GetNoLimiter("");
        if (tokens.Identify(context.Request) is { } tokenId)
            return RateLimitPartition.GetTokenBucketLimiter("token:" + tokenId, _ => Bucket(limits.PermitsPerSecond, limits.Burst));
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
