namespace ScimLite.Scim;

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

    /// <summary>Marks the response: the request's return preference was honoured.</summary>
    public static void Applied(HttpRequest request, bool body) =>
        request.HttpContext.Response.Headers["Preference-Applied"] = body ? Representation : Minimal;

    /// <summary>
    /// The answer to a write whose default is <paramref name="withBody"/>: return=minimal gives no body (201 stays 201
    /// with Location; 200 becomes 204), ETag kept.
    /// </summary>
    public static IResult Answer(HttpRequest request, int status, string etag, string? location, Func<IResult> withBody)
    {
        var wants = WantsBody(request);
        if (wants is null)
            return withBody();
        Applied(request, wants.Value);
        if (wants.Value)
            return withBody();
        var headers = request.HttpContext.Response.Headers;
        headers.ETag = etag;
        if (location is not null)
            headers.Location = location;
        return Results.StatusCode(status == StatusCodes.Status201Created ? status : StatusCodes.Status204NoContent);
    }
}
