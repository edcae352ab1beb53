using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using ScimLite.Status.Page;
using ScimLite.Telemetry;

namespace ScimLite.Status;

/// <summary>
/// The status page's paths on the admin listener (<c>Scim:Admin:Url</c>), beside /metrics; the SCIM port never routes
/// here (<see cref="TelemetryServices.UseScimMetricsEndpoint"/> hands only the admin port's requests over):
/// <list type="bullet">
/// <item><c>GET /</c>: the page; <c>GET /journal/{seq}</c>, <c>GET /requests/{seq}</c>: one row in detail.</item>
/// <item><c>POST /login</c>: the login form's token, when <c>Scim:Admin:Token</c> is set. It sets a cookie and changes no data.</item>
/// </list>
/// Anything else is 404, another method 405. Every answer forbids caching, framing and loading from anywhere else.
/// </summary>
public static class StatusEndpoints
{
    public static async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        var get = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        if (path == "/login")
        {
            await (HttpMethods.IsPost(request.Method) ? LoginAsync(context) : get ? Redirect(context) : NotAllowed(context, "POST"));
            return;
        }
        var target = Route(path);
        if (target is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (!get)
        {
            await NotAllowed(context, "GET, HEAD");
            return;
        }
        var access = context.RequestServices.GetRequiredService<AdminAccess>();
        if (!access.Allows(context))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"ScimLite admin\"";
            await WriteAsync(context, LoginView.Render(refused: false), StatusCodes.Status401Unauthorized);
            return;
        }
        var reader = context.RequestServices.GetRequiredService<StatusReader>();
        var ct = context.RequestAborted;
        switch (target)
        {
            case ("/", _):
                var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
                var started = Stopwatch.GetTimestamp();
                var snapshot = await reader.ReadAsync(ct) with { Warning = Exposure(context, access) };
                var read = Stopwatch.GetElapsedTime(started);
                var page = StatusView.Render(snapshot, nonce);
                // What the page cost, for whoever measures it (browser developer tools show it).
                context.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture,
                    $"read;dur={read.TotalMilliseconds:0.0}, render;dur={(Stopwatch.GetElapsedTime(started) - read).TotalMilliseconds:0.0}");
                await WriteAsync(context, page, StatusCodes.Status200OK, nonce);
                break;
            case ("journal", var seq):
                var row = await reader.JournalRowAsync(seq, ct);
                await WriteAsync(context, row is null ? DetailView.NotFound($"Journal row {seq}") : DetailView.Journal(row),
                    row is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
                break;
            case (_, var seq):
                var failure = await reader.FailureAsync(seq, ct);
                await WriteAsync(context, failure is null ? DetailView.NotFound($"Request {seq}") : DetailView.Failure(failure),
                    failure is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK);
                break;
        }
    }

    /// <summary>("/", 0) for the page, ("journal" or "requests", seq) for a detail view, null for anything else.</summary>
    static (string Kind, long Seq)? Route(string path)
    {
        if (path == "/")
            return ("/", 0);
        foreach (var kind in (string[])["journal", "requests"])
        {
            var prefix = $"/{kind}/";
            if (path.StartsWith(prefix, StringComparison.Ordinal)
                && long.TryParse(path.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
                return (kind, seq);
        }
        return null;
    }

    static async Task LoginAsync(HttpContext context)
    {
        var access = context.RequestServices.GetRequiredService<AdminAccess>();
        if (!access.Protected)
        {
            await Redirect(context);
            return;
        }
        if (!context.Request.HasFormContentType)
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!access.Matches(form["token"].ToString()))
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ScimLite.Status")
                .LogWarning("Status page sign-in refused from {Address}", context.Connection.RemoteIpAddress);
            await WriteAsync(context, LoginView.Render(refused: true), StatusCodes.Status401Unauthorized);
            return;
        }
        access.SignIn(context);
        await Redirect(context);
    }

    static Task Redirect(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.Response.Headers.Location = "/";
        return Task.CompletedTask;
    }

    static Task NotAllowed(HttpContext context, string allow)
    {
        context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        context.Response.Headers.Allow = allow;
        return Task.CompletedTask;
    }

    static Task WriteAsync(HttpContext context, string html, int status, string? nonce = null)
    {
        var headers = context.Response.Headers;
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'" + (nonce is null ? "" : $"; script-src 'nonce-{nonce}'");
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.WriteAsync(html, context.RequestAborted);
    }

    /// <summary>The page's own warning when it has no token and its listener is not on loopback.</summary>
    static string? Exposure(HttpContext context, AdminAccess access)
    {
        if (access.Protected || TelemetryServices.AdminUrl(context.RequestServices.GetRequiredService<IConfiguration>()) is not { } url)
            return null;
        var host = url.Split("://", 2)[^1].Split('/')[0];
        host = host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];
        var loopback = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
        return loopback ? null
            : $"This page has no token (Scim:Admin:Token is not set) and its listener {url} is not bound to loopback: anyone who can reach "
              + "that address can read it. Keep the listener on a private network, or set Scim:Admin:Token.";
    }
}
