using ScimLite.Scim;

namespace ScimLite.Safety;

/// <summary>What the brake's triggers (sql/0004_safety.sql, sql/0009_brake_established.sql) raise, and the answer a refused request gets.</summary>
public static class Brake
{
    /// <summary>SQLSTATE of a deactivation, deletion, bulk member removal or nested-group removal the brake refuses.</summary>
    public const string SqlState = Http.ScimErrorHandler.HeldSqlState;

    /// <summary>HINT of the refusal by the request that would cross the threshold: ScimLite then engages the brake.</summary>
    public const string CrossingHint = "crossing";

    /// <summary>
    /// Identity providers retry a 5xx (a 4xx would drop the change for good). A minute: Okta waits at most 60 s for a
    /// request, and a retry soon after an operator's release goes through.
    /// </summary>
    public const int RetryAfterSeconds = 60;

    public static ScimException Refusal() => ScimException.Unavailable(
        "The deprovisioning brake is engaged: ScimLite holds deactivations, deletions, bulk member removals and removals "
        + "of a group from a group until an operator releases it (ScimLite brake release). Retry later.", RetryAfterSeconds);
}
