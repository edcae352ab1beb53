namespace ScimLite.Telemetry;

/// <summary>
/// Turns successful writes into <see cref="ScimMetrics"/> changes, through an endpoint filter on each write route
/// (<see cref="Counting"/>), so no handler or store records a metric itself. A create or delete is known from its
/// route; deactivations, reactivations and member changes come from the request's typed plan, which the PATCH and
/// user-PUT handlers note with <c>Requested</c> (a redundant add or a repeated deactivation still counts). A failed request throws through the filter and counts nothing.
/// </summary>
public static class ProvisioningMetrics
{
    /// <summary>What a PATCH or PUT asked for, kept on the request until it has succeeded.</summary>
    sealed class RequestedChanges((ScimMetrics.Change Change, long Count)[] changes)
    {
        public (ScimMetrics.Change Change, long Count)[] Changes { get; } = changes;
    }

    /// <summary>
    /// The endpoint filter of a write route: once the request has succeeded, records <paramref name="change"/> (the
    /// route's create or delete) and whatever the handler noted with <c>Requested</c>.
    /// </summary>
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> Counting(ScimMetrics.Change? change = null) =>
        async (context, next) =>
        {
            var result = await next(context);
            var http = context.HttpContext;
            var client = http.User.Identity?.Name;
            if (change is { } routeChange)
                ScimMetrics.Record(routeChange, client);
            foreach (var (noted, count) in http.Features.Get<RequestedChanges>()?.Changes ?? [])
                ScimMetrics.Record(noted, client, count);
            return result;
        };

    /// <summary>
    /// Called by the write handlers with the changes the request they accepted asks for (computed by the feature from
    /// its typed plan): recorded by <see cref="Counting"/> once the request has succeeded.
    /// </summary>
    public static void Requested(HttpContext http, IEnumerable<(ScimMetrics.Change Change, long Count)> changes) =>
        http.Features.Set(new RequestedChanges([.. changes]));
}
