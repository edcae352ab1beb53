using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using ScimLite.Scim;

namespace ScimLite.Hosting;

/// <summary>Reverse proxies ScimLite believes (<c>Scim:ForwardedHeaders:KnownProxies:0</c>, <c>…:KnownNetworks:0</c>).</summary>
public sealed class TrustedProxyOptions
{
    public const string Section = "Scim:ForwardedHeaders";

    /// <summary>Addresses of proxies in front of ScimLite, e.g. <c>10.0.0.2</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of proxies in front of ScimLite, in CIDR notation, e.g. <c>10.0.0.0/8</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public bool Any => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}

/// <summary>
/// Where the URLs in responses (<c>meta.location</c>, <c>Location</c>, <c>$ref</c>) point, without trusting the Host
/// header a client sends:
/// <list type="bullet">
/// <item><c>Scim:PublicUrl</c> set: that, always.</item>
/// <item>otherwise, <c>AllowedHosts</c> set to a list (not <c>*</c>): the Host header, which ASP.NET Core's host
/// filtering has then checked against that list (any other host is answered 400).</item>
/// <item>otherwise: the address ScimLite listens on (a wildcard address reads as <c>localhost</c>), and a warning at
/// start-up says to set <c>Scim:PublicUrl</c>.</item>
/// </list>
/// The scheme is the request's, which a trusted proxy's X-Forwarded-Proto sets (<see cref="PublicUrlsSetup.UseScimForwardedHeaders"/>);
/// X-Forwarded-Host is never believed.
/// </summary>
public sealed class PublicUrls(IOptions<ScimOptions> options, IConfiguration configuration, IServer server)
{
    readonly string? configured = string.IsNullOrWhiteSpace(options.Value.PublicUrl) ? null : options.Value.PublicUrl.TrimEnd('/');
    readonly bool hostsFiltered = configuration["AllowedHosts"] is { } allowed
        && allowed.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } hosts
        && !hosts.Contains("*");
    string? listening;

    /// <summary>Scheme, host and path prefix of the server as clients should address it (no trailing slash).</summary>
    public string Origin(HttpRequest request) => configured
        ?? (hostsFiltered ? $"{request.Scheme}://{request.Host}{request.PathBase}" : $"{request.Scheme}://{Listening()}{request.PathBase}");

    /// <summary>Whether response URLs come from the listening address, because neither PublicUrl nor AllowedHosts is set.</summary>
    public bool FromListeningAddress => configured is null && !hostsFiltered;

    string Listening() => listening ??= ListeningHost(server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault());

    /// <summary><c>http://0.0.0.0:8080</c> → <c>localhost:8080</c>; <c>http://127.0.0.1:5000</c> → <c>127.0.0.1:5000</c>.</summary>
    public static string ListeningHost(string? address)
    {
        if (address is null)
            return "localhost";
        var binding = BindingAddress.Parse(address);
        var host = binding.Host is "+" or "*" or "0.0.0.0" or "[::]" or "::" ? "localhost" : binding.Host;
        var defaultPort = binding.Scheme == "https" ? 443 : 80;
        return binding.Port == defaultPort || binding.Port == 0 ? host : $"{host}:{binding.Port}";
    }

    public static bool IsValidPublicUrl(string? url) =>
        string.IsNullOrWhiteSpace(url)
        || Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query == "" && uri.Fragment == "" && uri.UserInfo == "";
}

public static class PublicUrlsSetup
{
    /// <summary>The public base URL, the trusted proxies, and the validation of both at start-up.</summary>
    public static IServiceCollection AddScimPublicUrls(this IServiceCollection services)
    {
        services.AddSingleton<PublicUrls>();
        services.AddOptions<ScimOptions>()
            .Validate(o => PublicUrls.IsValidPublicUrl(o.PublicUrl),
                "Scim:PublicUrl must be an absolute http:// or https:// URL without user, query or fragment, e.g. https://scim.example.com.");
        services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.Section).ValidateOnStart()
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)),
                "Scim:ForwardedHeaders:KnownProxies must be IP addresses, e.g. 10.0.0.2.")
            .Validate(o => o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)),
                "Scim:ForwardedHeaders:KnownNetworks must be networks in CIDR notation, e.g. 10.0.0.0/8.");
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((forwarded, trusted) =>
        {
            var proxies = trusted.Value;
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: not even loopback is believed by default.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.KnownProxies)
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in proxies.KnownNetworks)
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            // The middleware walks X-Forwarded-For from the right and stops at the first address that is not a known
            // proxy, so a chain of known proxies is unwrapped and a client cannot forge its way past them.
            forwarded.ForwardLimit = null;
        });
        return services;
    }

    /// <summary>
    /// Believes X-Forwarded-For and X-Forwarded-Proto from the configured proxies only. It runs before the rate limiter,
    /// so the anonymous limit is keyed on the real client address behind such a proxy.
    /// </summary>
    public static WebApplication UseScimForwardedHeaders(this WebApplication app)
    {
        var urls = app.Services.GetRequiredService<PublicUrls>();
        if (urls.FromListeningAddress)
            app.Logger.LogWarning("Scim:PublicUrl is not set (nor AllowedHosts): URLs in responses use the listening address, not the Host header.");
        if (app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.Any)
            app.UseForwardedHeaders();
        return app;
    }
}
