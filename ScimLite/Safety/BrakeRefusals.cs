using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using ScimLite.Http;

namespace ScimLite.Safety;

/// <summary>
/// Sees every request the brake refused, before <see cref="ScimErrorHandler"/> would: every refusal is counted as held
/// (the <c>scimlite.brake.held</c> metric, the brake row's <c>held</c>) and logged; the request that crossed the
/// threshold also engages the brake in the same short transaction of its own (the request itself rolled back), loudly:
/// an Error log line and <c>scimlite.brake.engaged</c>. Then the answer is 503 with Retry-After through
/// <see cref="ScimErrorHandler"/>.
/// </summary>
public sealed class BrakeRefusals(BrakeStore store, ILogger<BrakeRefusals> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not PostgresException { SqlState: Brake.SqlState } refusal)
            return false;
        var method = context.Request.Method;
        var path = Hosting.LogText.Escape(context.Request.Path.Value);
        BrakeMetrics.Held();
        try
        {
            // Not the request's token: the engage and the count must stay even if the client has gone.
            var crossing = refusal.Hint == Brake.CrossingHint ? refusal.MessageText : null;
            if (await store.RefuseAsync(crossing, CancellationToken.None))
            {
                BrakeMetrics.Engaged();
                logger.LogError("Deprovisioning brake ENGAGED: {Reason}. Deactivations, deletions and bulk member removals are "
                    + "refused with 503 until an operator runs `ScimLite brake release` (see docs/operations.md, Safety).", refusal.MessageText);
            }
            BrakeMetrics.Observed(engaged: true);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // The refusal stands: a crossing that could not be recorded crosses again on the next deprovisioning.
            logger.LogError(ex, "Could not record the deprovisioning brake's refusal of {Method} {Path}", method, path);
        }
        logger.LogWarning("Deprovisioning brake held {Method} {Path}", method, path);
        await ScimErrorHandler.WriteAsync(context, Brake.Refusal(), ct);
        return true;
    }
}
