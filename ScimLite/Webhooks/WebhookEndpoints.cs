using System.Text.RegularExpressions;
using ScimLite.Cli;
using ScimLite.Doctor;

namespace ScimLite.Webhooks;

/// <summary>
/// One receiver declared under <c>Scim:Webhooks:&lt;i&gt;</c>. <see cref="Actions"/> and <see cref="ResourceTypes"/>
/// are null for "all".
/// </summary>
public sealed record WebhookEndpoint(string Name, Uri Url, string Secret, IReadOnlySet<string>? Actions, IReadOnlySet<string>? ResourceTypes)
{
    /// <summary>Whether a journal row of this action and resource type is sent to this endpoint.</summary>
    public bool Wants(string action, string resourceType) =>
        (Actions is null || Actions.Contains(action)) && (ResourceTypes is null || ResourceTypes.Contains(resourceType));

    /// <summary>The secret is never printed, also not by a record's ToString.</summary>
    public override string ToString() => $"{Name} → {Url}";
}

/// <summary>A wrong <c>Scim:Webhooks</c> entry; the message is one line naming the entry, never its secret.</summary>
public sealed class WebhookConfigException(string message) : Exception(message);

/// <summary>Reads and checks the <c>Scim:Webhooks</c> list: the server refuses to start on a wrong entry, and so do the verbs.</summary>
public static partial class WebhookEndpoints
{
    public const string Section = "Scim:Webhooks";

    /// <summary>The journal's actions (docs/database.md, "Journal and change feed").</summary>
    public static readonly string[] KnownActions =
        ["created", "restored", "deleted", "deactivated", "reactivated", "renamed", "replaced", "patched", "updated", "members_added", "members_removed"];

    public static readonly string[] KnownResourceTypes = ["User", "Group"];

    static readonly string[] Keys = ["Name", "Url", "Secret", "Actions", "ResourceTypes"];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>The declared endpoints, in declaration order; throws <see cref="WebhookConfigException"/> on the first wrong entry.</summary>
    public static IReadOnlyList<WebhookEndpoint> Read(IConfiguration configuration)
    {
        var endpoints = new List<(string Path, WebhookEndpoint Endpoint)>();
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            var path = $"{Section}:{entry.Key}";
            var endpoint = ReadOne(entry, path);
            if (endpoints.FirstOrDefault(e => string.Equals(e.Endpoint.Name, endpoint.Name, StringComparison.OrdinalIgnoreCase)) is { Path: { } first })
                throw Wrong(path, $"Name '{endpoint.Name}' is already used by {first}; each endpoint needs its own name (its position is kept under it).");
            endpoints.Add((path, endpoint));
        }
        return endpoints.Select(e => e.Endpoint).ToList();
    }

    static WebhookEndpoint ReadOne(IConfigurationSection entry, string path)
    {
        foreach (var key in entry.GetChildren().Select(c => c.Key).Where(k => !Keys.Contains(k, StringComparer.OrdinalIgnoreCase)))
            throw Wrong(path, $"unknown setting '{key}'.{Hint(key, Keys)} Known: {string.Join(", ", Keys)}.");
        var name = entry["Name"]?.Trim();
        if (string.IsNullOrEmpty(name))
            throw Wrong(path, "Name is missing: every endpoint needs a name (used by `ScimLite webhooks`, in event ids and in metrics).");
        if (!NamePattern().IsMatch(name))
            throw Wrong(path, $"Name '{name}' may hold only letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit).");
        return new WebhookEndpoint(name, ReadUrl(entry["Url"], path), ReadSecret(entry["Secret"], path),
            ReadSet(entry.GetSection("Actions"), $"{path}:Actions", KnownActions, "action"),
            ReadSet(entry.GetSection("ResourceTypes"), $"{path}:ResourceTypes", KnownResourceTypes, "resource type"));
    }

    static Uri ReadUrl(string? text, string path)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw Wrong(path, "Url is missing: the receiver's https:// URL.");
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            throw Wrong(path, $"Url '{text}' is not an absolute https:// URL.");
        if (!string.IsNullOrEmpty(url.UserInfo))
            throw Wrong(path, "Url must not carry a user name or password; the receiver verifies the signature instead.");
        if (url.Scheme == Uri.UriSchemeHttp && !DoctorRun.IsLoopback(url))
            throw Wrong(path, $"Url {url.Scheme}://{url.Authority} is plain HTTP to a host that is not a loopback address: use https://.");
        return url;
    }

    /// <summary>A Standard Webhooks secret: <c>whsec_</c> and the base64 of 24 to 64 random bytes.</summary>
    static string ReadSecret(string? text, string path)
    {
        var secret = text?.Trim();
        if (string.IsNullOrEmpty(secret))
            throw Wrong(path, "Secret is missing: a Standard Webhooks secret, whsec_ followed by base64 (e.g. whsec_ + `openssl rand -base64 32`).");
        var bytes = new byte[secret.Length];
        if (!secret.StartsWith("whsec_", StringComparison.Ordinal) || !Convert.TryFromBase64String(secret["whsec_".Length..], bytes, out var length)
            || length is < 24 or > 64)
            throw Wrong(path, "Secret is not a Standard Webhooks secret: whsec_ followed by the base64 of 24 to 64 random bytes (e.g. whsec_ + `openssl rand -base64 32`).");
        return secret;
    }

    /// <summary>The listed values in their canonical spelling (any case accepted), or null when none is listed (all).</summary>
    static HashSet<string>? ReadSet(IConfigurationSection section, string path, string[] known, string what)
    {
        // A list (Actions:0, Actions:1) or, as one environment variable may say it, one comma-separated value.
        var listed = section.GetChildren().Select(c => (Key: c.Key, c.Value)).ToList();
        if (listed.Count == 0 && !string.IsNullOrWhiteSpace(section.Value))
            listed = section.Value.Split(',').Select((v, i) => (Key: i.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)v)).ToList();
        if (listed.Count == 0)
            return null;
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in listed)
        {
            var value = item.Value?.Trim() ?? "";
            var canonical = known.FirstOrDefault(k => string.Equals(k, value, StringComparison.OrdinalIgnoreCase))
                ?? throw new WebhookConfigException($"{path}:{item.Key}: '{value}' is not a known {what}.{Hint(value, known)} Known: {string.Join(", ", known)}.");
            set.Add(canonical);
        }
        return set;
    }

    static string Hint(string typed, IEnumerable<string> candidates) =>
        Suggestions.Closest(typed, candidates) is { } close ? $" Did you mean '{close}'?" : "";

    static WebhookConfigException Wrong(string path, string message) => new($"{path}: {message}");
}
