using ScimLite.Journal;
using ScimLite.Requests;
using ScimLite.Safety;
using ScimLite.Webhooks;

namespace ScimLite.Status;

/// <summary>The health section: the database, its schema, this binary and this instance.</summary>
public sealed record HealthInfo(bool DatabaseReachable, string? SchemaVersion, int PendingScripts, int UnknownScripts,
    string Version, DateTime Started);

/// <summary>
/// One client as the page lists it. <paramref name="LastRequest"/> is the later of the client table's last_used
/// (every instance, to the minute) and this instance's own last answer; the counts are this instance's.
/// </summary>
public sealed record ClientLine(string Name, string Source, DateTime? LastRequest, DateTime? Expires, DateTime? Revoked,
    ClientCounts LastHour, ClientCounts LastDay);

/// <summary>Everything the status page shows, read in one go. Sections that need the database are empty when it is unreachable.</summary>
public sealed record StatusSnapshot(
    DateTime Now,
    HealthInfo Health,
    BrakeStatus? Brake,
    IReadOnlyList<ClientLine> Clients,
    IReadOnlyList<HourCounts> Activity,
    IReadOnlyList<JournalRow> Journal,
    IReadOnlyList<RequestRow> Failures,
    IReadOnlyList<WebhookStatus> Webhooks,
    string? Warning);
