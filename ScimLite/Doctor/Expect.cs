using System.Text.Json;

namespace ScimLite.Doctor;

/// <summary>
/// Turns answers into checklist lines: the expected status (or a stop with the likely cause), the SCIM media type,
/// and facts about the body. A failed <see cref="Status"/> or <see cref="That"/> stops the group of checks.
/// </summary>
public sealed class Expect(Checklist list)
{
    /// <summary>
    /// The body of <paramref name="reply"/> when its status is one of <paramref name="statuses"/>; otherwise stops
    /// with the cause the status suggests. A wrong media type fails on its own line and the checks go on.
    /// </summary>
    public JsonElement? Status(Reply reply, string check, params int[] statuses)
    {
        if (!statuses.Contains(reply.Status))
            throw list.Stop(check, $"{reply.Request} answered {reply.Said} — {Cause(reply)}");
        if (reply.Body.Length > 0)
        {
            if (reply.Json is null)
                throw list.Stop(check, $"{reply.Request} answered {reply.Status} with a body that is not JSON — {NotScimLite}");
            if (!reply.IsScimMediaType)
                list.Fail($"{reply.Request}: Content-Type application/scim+json",
                    $"it is '{reply.MediaType ?? "(none)"}': a proxy rewrites the Content-Type, or something other than ScimLite answers.");
        }
        return reply.Json;
    }

    /// <summary>Like <see cref="Status"/> for answers that must carry a JSON object.</summary>
    public JsonElement Body(Reply reply, string check, params int[] statuses) =>
        Status(reply, check, statuses) is { ValueKind: JsonValueKind.Object } json
            ? json
            : throw list.Stop(check, $"{reply.Request} answered {reply.Status} without a JSON object body.");

    public void That(bool condition, string check, string cause)
    {
        if (!condition)
            throw list.Stop(check, cause);
    }

    public const string NotScimLite =
        "the body is not a SCIM error, so something in front of ScimLite (a proxy, load balancer, WAF or another app) answered.";

    /// <summary>The likely cause of an unexpected status, for the operator who reads the checklist.</summary>
    public static string Cause(Reply reply)
    {
        var cause = reply.Status switch
        {
            401 => TokenCause,
            403 => "refused before ScimLite could look at it: a WAF, an IP allow-list or proxy authentication in front.",
            404 => "not found: the base URL is wrong, or the proxy forwards only part of the path to ScimLite.",
            405 => $"{reply.Request.Split(' ')[0]} is not allowed: a proxy or WAF blocks the method (PATCH, PUT and DELETE are often blocked).",
            413 => "the body is too large for the proxy or for Scim:MaxPayloadBytes.",
            415 => "the Content-Type was refused: a proxy rewrites it, or the server does not accept application/scim+json.",
            503 when reply.IsBrakeRefusal => BrakeCause,
            429 => "rate limited: raise Scim:RateLimit for this client (Entra sends about 25 requests a second).",
            502 or 504 => "the proxy cannot reach ScimLite (wrong upstream address or port, or ScimLite is down).",
            503 => "unavailable: ScimLite cannot reach its database (see /readyz), or the proxy has no healthy upstream.",
            >= 500 => "the server failed: read its log for this request.",
            _ => "the server refused the request; its detail says why.",
        };
        return reply.Status >= 400 && !reply.IsScimError ? $"{cause} Also, {NotScimLite}" : cause;
    }

    public const string BrakeCause =
        "the deprovisioning brake is engaged — see `ScimLite brake status`. ScimLite holds deactivations, deletions and "
        + "bulk member removals until an operator releases it (`ScimLite brake release`); the database and the proxy are fine.";

    public const string TokenCause =
        "the token is not accepted: either it is wrong (not one the server is configured with, or revoked), or a "
        + "reverse proxy strips the Authorization header before it reaches ScimLite (nginx forwards it by default unless "
        + "auth_basic/auth_request is set; Apache needs `CGIPassAuth On`; some API gateways consume it).";
}
