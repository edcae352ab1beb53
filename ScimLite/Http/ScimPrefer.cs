
namespace ScimLite.Http;

/// <summary>
/// <c>Prefer: return=minimal</c> / <c>return=representation</c> (RFC 7240 §4.2) on POST, PUT and PATCH: a client may
/// ask for the other of body and no body. Honoured preferences are echoed in <c>Preference-Applied</c>.
/// </summary>
public static class ScimPrefer
{
    const string Minimal = "return=minimal";
    const string Representation = "return=representation";

    /// <summary>True for return=representation, false for return=minimal, null when the request states neither.</summary>
    public static bool? WantsBody(HttpRequest request)
    {
        foreach (var header in request.Headers["Prefer"])
        {
            foreach (var part in (header ?? "").Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var token = part.Replace(" ", "", StringComparison.Ordinal).Replace("\"", "", StringComparison.Ordinal);
                if (string.Equals(token, Minimal, StringComparison.OrdinalIgnoreCase))
                    return false;
                if (string.Equals(token, Representation, StringComparison.OrdinalIgnoreCase))
                    return true;
            }
        }
        return null;
    }

    /// <summary>
    /// Whether the answer carries a body: as the request prefers, else <paramref name="byDefault"/>. A stated
    /// preference is echoed in <c>Preference-Applied</c>.
    /// </summary>
    public static bool Body(HttpRequest request, bool byDefault)
    {
        if (WantsBody(request) is not { } wants)
            return byDefault;
        request.HttpContext.Response.Headers["Preference-Applied"] = wants ? Representation : Minimal;
        return wants;
    }
}
