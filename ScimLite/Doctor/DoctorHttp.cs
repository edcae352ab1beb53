using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimLite.Scim.Schema;

namespace ScimLite.Doctor;

/// <summary>Which <c>Authorization</c> header a request carries.</summary>
public enum Credentials { Token, None, WrongToken }

/// <summary>One answer, read whole: status, media type, body, and the body as JSON when it is JSON.</summary>
public sealed record Reply(string Request, int Status, string? MediaType, string Body, JsonElement? Json)
{
    public const string ScimMediaType = "application/scim+json";

    public bool IsScimMediaType => string.Equals(MediaType, ScimMediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>An RFC 7644 §3.12 error body: the Error schema and <c>status</c> as a string.</summary>
    public bool IsScimError =>
        Json is { ValueKind: JsonValueKind.Object } json
        && json.TryGetProperty("schemas", out var schemas) && schemas.ValueKind == JsonValueKind.Array
        && schemas.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.String && s.GetString() == ScimUrns.Error)
        && json.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String;

    /// <summary>
    /// ScimLite's deprovisioning brake refused the request: a 503 SCIM error whose detail names the brake
    /// (ScimLite.Safety.Brake.Refusal). Not an outage: the database answered, and the brake holds the change.
    /// </summary>
    public bool IsBrakeRefusal =>
        Status == 503 && IsScimError && Json!.Value.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String
        && detail.GetString()!.Contains("deprovisioning brake", StringComparison.OrdinalIgnoreCase);

    /// <summary>What the server said, short enough for one line of the checklist.</summary>
    public string Said
    {
        get
        {
            if (IsScimError && Json!.Value.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
                return $"{Status}: {Shorten(detail.GetString()!)}";
            var body = Body.ReplaceLineEndings(" ").Trim();
            return body.Length == 0 ? $"{Status} with an empty body" : $"{Status}: {Shorten(body)}";
        }
    }

    static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";
}

/// <summary>
/// The doctor's HTTP client. Requests go to paths under the base URL given; every URL the server hands back
/// (<c>Location</c>, <c>meta.location</c>, <c>$ref</c>) is collected for <see cref="PublicUrlCheck"/>.
/// A network failure (refused, DNS, TLS) ends the whole run: <see cref="Unreachable"/> says so.
/// </summary>
public sealed class DoctorHttp : IDisposable
{
    readonly HttpClient client;
    readonly string token;
    readonly Checklist list;

    public DoctorHttp(Uri baseUrl, string token, HttpMessageHandler? handler, Checklist list)
    {
        BaseUrl = baseUrl.AbsoluteUri.TrimEnd('/');
        this.token = token;
        this.list = list;
        // An injected handler (the tests' in-process host) belongs to its owner.
        client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.Timeout = TimeSpan.FromSeconds(30);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("ScimLite-doctor/1.0");
        client.DefaultRequestHeaders.Accept.ParseAdd(Reply.ScimMediaType);
    }

    /// <summary>The base URL as given, without a trailing slash.</summary>
    public string BaseUrl { get; }

    public bool Unreachable { get; private set; }

    /// <summary>Every URL the server returned, with the request it came from.</summary>
    public List<(string Url, string Request)> ReturnedUrls { get; } = [];

    /// <summary>A GET; <paramref name="collectUrls"/> is false for probes of other base URLs than the one given.</summary>
    public Task<Reply> GetAsync(string path, Credentials credentials = Credentials.Token, bool collectUrls = true) =>
        SendAsync(HttpMethod.Get, path, null, credentials, collectUrls: collectUrls);

    /// <summary>
    /// Sends <paramref name="body"/> (a <see cref="JsonNode"/>) to <c>{base}{path}</c>, or to <paramref name="path"/>
    /// itself when it is an absolute URL. <paramref name="mediaType"/> is the request's Content-Type.
    /// </summary>
    public async Task<Reply> SendAsync(HttpMethod method, string path, JsonNode? body = null,
        Credentials credentials = Credentials.Token, string mediaType = Reply.ScimMediaType, bool collectUrls = true)
    {
        var url = path.StartsWith("http", StringComparison.OrdinalIgnoreCase) ? path : BaseUrl + path;
        var described = $"{method} {(url.StartsWith(BaseUrl, StringComparison.Ordinal) ? url[BaseUrl.Length..] : url)}";
        using var request = new HttpRequestMessage(method, url);
        if (credentials != Credentials.None)
        {
            var bearer = credentials == Credentials.Token ? token : Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, mediaType);
        try
        {
            // The cleanup after a failure must still run when the operator pressed Ctrl-C: no caller token here,
            // the client's own timeout bounds every request.
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var reply = new Reply(described, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, text, ParseJson(text));
            if (collectUrls)
                Collect(response, reply);
            return reply;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Unreachable = true;
            throw list.Stop(described, NetworkCause(ex, new Uri(url)));
        }
    }

    static JsonElement? ParseJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    void Collect(HttpResponseMessage response, Reply reply)
    {
        if (response.Headers.Location is { } location)
            ReturnedUrls.Add((location.IsAbsoluteUri ? location.AbsoluteUri : location.OriginalString, $"{reply.Request} (Location header)"));
        if (reply.Json is { } json)
            Walk(json, reply.Request, inMeta: false);
    }

    void Walk(JsonElement element, string request, bool inMeta)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
                Walk(item, request, inMeta: false);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object)
            return;
        foreach (var property in element.EnumerateObject())
        {
            var isUrl = property.Name == "$ref" || (inMeta && property.Name == "location");
            if (isUrl && property.Value.ValueKind == JsonValueKind.String)
                ReturnedUrls.Add((property.Value.GetString()!, $"{request} ({(inMeta ? "meta.location" : "$ref")})"));
            else
                Walk(property.Value, request, inMeta: property.Name == "meta");
        }
    }

    static string NetworkCause(Exception ex, Uri url)
    {
        var root = ex;
        while (root.InnerException is not null)
            root = root.InnerException;
        return root switch
        {
            _ when ex is TaskCanceledException => $"no answer from {url.Authority} within 30 s: a firewall drops the traffic, or the proxy waits on a ScimLite that does not answer.",
            AuthenticationException => $"the TLS handshake with {url.Authority} failed ({root.Message}): Okta and Entra need a certificate from a public CA that names this host, with its full chain.",
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => $"nothing listens on {url.Authority}: wrong host or port, or the server or its proxy is down.",
            SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain } => $"the host name {url.Host} does not resolve (DNS).",
            _ => $"{url.Authority} cannot be reached: {root.Message}",
        };
    }

    public void Dispose() => client.Dispose();
}
