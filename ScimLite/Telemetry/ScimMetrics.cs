using System.Diagnostics.Metrics;

namespace ScimLite.Telemetry;

/// <summary>
/// The provisioning counters of the "ScimLite" meter, each tagged with the client's name (<c>scim.client</c>) where
/// there is one. Requests by client, route and status, and their latency, are ASP.NET Core's own
/// <c>http.server.request.duration</c> (the client tag is added at authentication); the database pool is Npgsql's
/// <c>db.client.connection.count</c>. Static, so a one-line call works from anywhere, as the meter is process-wide anyway.
/// </summary>
public static class ScimMetrics
{
    public const string MeterName = "ScimLite";
    const string ClientTag = "scim.client";

    static readonly Meter Meter = new(MeterName);
    static readonly Counter<long> UsersCreated = Meter.CreateCounter<long>("scimlite.users.created", "{user}", "Users created.");
    static readonly Counter<long> UsersDeactivated = Meter.CreateCounter<long>("scimlite.users.deactivated", "{user}", "Successful writes that set a user's active to false.");
    static readonly Counter<long> UsersReactivated = Meter.CreateCounter<long>("scimlite.users.reactivated", "{user}", "Successful PATCHes that set a user's active to true.");
    static readonly Counter<long> UsersDeleted = Meter.CreateCounter<long>("scimlite.users.deleted", "{user}", "Users deleted.");
    static readonly Counter<long> GroupsCreated = Meter.CreateCounter<long>("scimlite.groups.created", "{group}", "Groups created.");
    static readonly Counter<long> GroupsDeleted = Meter.CreateCounter<long>("scimlite.groups.deleted", "{group}", "Groups deleted.");
    static readonly Counter<long> MembersAdded = Meter.CreateCounter<long>("scimlite.members.added", "{member}", "Members named in successful PATCH add operations.");
    static readonly Counter<long> MembersRemoved = Meter.CreateCounter<long>("scimlite.members.removed", "{member}", "Members named in successful PATCH remove operations.");
    static readonly Counter<long> Retries = Meter.CreateCounter<long>("scimlite.db.retries", "{retry}", "Transactions retried after a transient database fault.");
    static readonly Counter<long> Timeouts = Meter.CreateCounter<long>("scimlite.db.timeouts", "{request}", "Requests whose database command or connection timed out.");
    static readonly Counter<long> Unavailable = Meter.CreateCounter<long>("scimlite.responses.unavailable", "{response}", "503 answers: the database was unavailable.");
    static readonly Counter<long> RateLimited = Meter.CreateCounter<long>("scimlite.responses.rate_limited", "{response}", "429 answers: a client or address over its rate limit.");

    public enum Change { UserCreated, UserDeactivated, UserReactivated, UserDeleted, GroupCreated, GroupDeleted, MembersAdded, MembersRemoved }

    public static void Record(Change change, string? client, long count = 1)
    {
        if (count <= 0)
            return;
        var counter = change switch
        {
            Change.UserCreated => UsersCreated,
            Change.UserDeactivated => UsersDeactivated,
            Change.UserReactivated => UsersReactivated,
            Change.UserDeleted => UsersDeleted,
            Change.GroupCreated => GroupsCreated,
            Change.GroupDeleted => GroupsDeleted,
            Change.MembersAdded => MembersAdded,
            _ => MembersRemoved,
        };
        counter.Add(count, new KeyValuePair<string, object?>(ClientTag, client ?? "-"));
    }

    public static void Retried() => Retries.Add(1);

    public static void TimedOut() => Timeouts.Add(1);

    /// <summary>Counts a 503 or a 429 answer by client (or "-" for requests without a valid token).</summary>
    public static void Answered(int status, string? client)
    {
        if (status == StatusCodes.Status503ServiceUnavailable)
            Unavailable.Add(1, new KeyValuePair<string, object?>(ClientTag, client ?? "-"));
        else if (status == StatusCodes.Status429TooManyRequests)
            RateLimited.Add(1, new KeyValuePair<string, object?>(ClientTag, client ?? "-"));
    }
}
