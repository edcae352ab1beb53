using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using ScimLite.Scim;

namespace ScimLite.Safety;

/// <summary>
/// Sees every request the brake refused, before <see cref="ScimErrorHandler"/> would: the request that crossed the
/// threshold engages the brake here, in a transaction of its own (the request itself rolled back), loudly — an Error
/// log line, the <c>scimlite.brake.engaged</c> metric and a journal row. Every refusal is counted as held and logged,
/// then answered 503 with Retry-After through <see cref="ScimErrorHandler"/>.
/// </summary>
public sealed class BrakeRefusals(BrakeStore store, ILogger<BrakeRefusals> logger) : IExceptionHandler
{
    static readonly Meter Meter = new("ScimLite.Safety");
    static readonly Counter<long> Engaged = Meter.CreateCounter<long>("scimlite.brake.engaged", description: "Times the deprovisioning brake engaged");
    static readonly Counter<long> Held = Meter.CreateCounter<long>("scimlite.brake.held", description: "Requests refused by the deprovisioning brake");

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not PostgresException { SqlState: Brake.SqlState } refusal)
            return false;
        var method = context.Request.Method;
        var path = context.Request.Path.Value;
        try
        {
            // Not the request's token: the engage and the count must stay even if the client has gone.
            if (refusal.Hint == Brake.CrossingHint && await store.EngageAsync(refusal.MessageText, "threshold", CancellationToken.None))
            {
                Engaged.Add(1);
                logger.LogError("Deprovisioning brake ENGAGED: {Reason}. Deactivations, deletions and bulk member removals are "
                    + "refused with 503 until an operator runs `ScimLite brake release` (see README, Safety).", refusal.MessageText);
            }
            await store.HoldAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // The refusal stands: a crossing that could not be recorded crosses again on the next deprovisioning.
            logger.LogError(ex, "Could not record the deprovisioning brake's refusal of {Method} {Path}", method, path);
        }
        Held.Add(1);
        logger.LogWarning("Deprovisioning brake held {Method} {Path}", method, path);
        await ScimErrorHandler.WriteAsync(context, ScimErrorHandler.Translate(exception), ct);
        return true;
    }
}
