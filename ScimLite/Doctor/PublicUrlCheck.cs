namespace ScimLite.Doctor;

/// <summary>
/// Every URL the server handed back (<c>Location</c>, <c>meta.location</c>, <c>$ref</c>) must start with the base URL
/// the operator gave: identity providers follow them. Behind a proxy the server builds them from the request it sees,
/// so an internal host, port or scheme here means the proxy does not forward the public one.
/// </summary>
public static class PublicUrlCheck
{
    public static void Run(DoctorHttp http, Checklist list)
    {
        if (http.ReturnedUrls.Count == 0)
            return;
        list.Section("URLs in answers");
        var check = $"Location headers, meta.location and $ref start with {http.BaseUrl}";
        var wrong = http.ReturnedUrls.Where(u => !StartsWithBase(u.Url, http.BaseUrl)).ToList();
        if (wrong.Count == 0)
        {
            list.Pass($"{check} ({http.ReturnedUrls.Count} seen)");
            return;
        }
        var (url, request) = wrong[0];
        list.Fail(check, $"{wrong.Count} of {http.ReturnedUrls.Count} do not, e.g. {url} from {request}: {Cause(url, http.BaseUrl)}");
    }

    public static bool StartsWithBase(string url, string baseUrl)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var seen))
            return false;
        var expected = new Uri(baseUrl);
        var path = seen.AbsolutePath;
        var basePath = expected.AbsolutePath.TrimEnd('/');
        return seen.Scheme == expected.Scheme
            && string.Equals(seen.Host, expected.Host, StringComparison.OrdinalIgnoreCase)
            && seen.Port == expected.Port
            && (path == basePath || path.StartsWith(basePath + "/", StringComparison.Ordinal));
    }

    static string Cause(string url, string baseUrl)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var seen))
            return "it is not an absolute URL.";
        var expected = new Uri(baseUrl);
        if (!string.Equals(seen.Host, expected.Host, StringComparison.OrdinalIgnoreCase) || seen.Port != expected.Port)
            return $"the server builds URLs for another host ({seen.Authority}), e.g. an internal one: set Scim:PublicUrl to the "
                + "public URL (ScimLite never believes X-Forwarded-Host), or list the public name in AllowedHosts and have the proxy "
                + "pass the public Host header (nginx: proxy_set_header Host $host).";
        if (seen.Scheme != expected.Scheme)
            return $"the server believes it is reached over {seen.Scheme}: set Scim:PublicUrl, or have the proxy that "
                + "terminates TLS send X-Forwarded-Proto and list it in Scim:ForwardedHeaders:KnownProxies.";
        return $"the path differs ({seen.AbsolutePath}): the proxy rewrites the path prefix; publish ScimLite under the same path it serves.";
    }
}
