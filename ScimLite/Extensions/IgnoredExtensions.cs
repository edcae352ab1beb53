using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ScimLite.Extensions;

/// <summary>
/// Undeclared extensions are ignored (RFC 7643 §3.3 lets a server do so), but never silently: every one a request
/// carries counts in <c>scimlite.extensions.ignored</c> (Meter "ScimLite", tag <c>urn</c>), and the first of each URN in
/// this process logs a warning that names the configuration that would keep its values.
/// </summary>
public sealed partial class IgnoredExtensions(ILogger<IgnoredExtensions> logger)
{
    /// <summary>Distinct URNs warned about and tagged; beyond, they count as "other" (a client cannot grow this).</summary>
    const int MaxDistinct = 100;

    const int MaxUrnLength = 200;

    static readonly Meter Meter = new("ScimLite");
    static readonly Counter<long> Ignored = Meter.CreateCounter<long>("scimlite.extensions.ignored", unit: "{extension}",
        description: "Schema extensions in requests that are not declared in Scim:Extensions and were ignored.");
    static readonly ConcurrentDictionary<string, bool> Seen = new(StringComparer.OrdinalIgnoreCase);

    public void Report(string resourceType, string urn)
    {
        // Client text: escaped for the log line and the metric's tag alike.
        urn = Hosting.LogText.Escape(urn);
        urn = urn.Length <= MaxUrnLength ? urn : urn[..MaxUrnLength] + "…";
        var known = Seen.ContainsKey(urn) || (Seen.Count < MaxDistinct && Seen.TryAdd(urn, true) && Warn(resourceType, urn));
        Ignored.Add(1, new KeyValuePair<string, object?>("urn", known ? urn : "other"));
    }

    bool Warn(string resourceType, string urn)
    {
        LogIgnored(logger, urn, resourceType);
        return true;
    }

    [LoggerMessage(EventId = 4120, Level = LogLevel.Warning, Message =
        "Ignored the undeclared schema extension {Urn} sent for a {ResourceType}; its values are not stored. To keep them, " +
        "declare it: Scim:Extensions:<i>:Schema=<that URN>, Scim:Extensions:<i>:ResourceType=<User or Group>, " +
        "Scim:Extensions:<i>:Attributes:<j>:Name=<attribute> (see docs/identity-providers.md, Custom attributes). Logged once per URN.")]
    static partial void LogIgnored(ILogger logger, string urn, string resourceType);
}
