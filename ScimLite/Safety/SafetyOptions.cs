namespace ScimLite.Safety;

/// <summary>
/// The deprovisioning brake (<c>Scim:Brake:*</c>). Written to the <c>brake</c> row at start-up, where the triggers of
/// sql/0004_safety.sql read it; give every instance the same values (the last one started wins).
/// </summary>
public sealed class BrakeOptions
{
    public const string Section = "Scim:Brake";

    /// <summary>false: nothing is counted or refused (the benchmark deactivates users in a loop).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The brake engages when deprovisionings in the window are more than this many …</summary>
    public int Count { get; set; } = 50;

    /// <summary>… and more than this share of the established users who were active (0.10 = 10 %).</summary>
    public decimal Share { get; set; } = 0.10m;

    /// <summary>The sliding window, in minutes.</summary>
    public int WindowMinutes { get; set; } = 15;

    /// <summary>While engaged, a request removing more than this many user memberships (a bulk removal) is refused.</summary>
    public int BulkMembers { get; set; } = 10;

    /// <summary>
    /// Only users created, and memberships made, more than this many minutes ago are counted (established people);
    /// null: <see cref="WindowMinutes"/>. 0 counts everyone.
    /// </summary>
    public int? GraceMinutes { get; set; }
}

/// <summary>Deleted users and groups kept for restore (<c>Scim:Tombstones:*</c>).</summary>
public sealed class TombstoneOptions
{
    public const string Section = "Scim:Tombstones";

    /// <summary>Tombstones older than this are purged.</summary>
    public int RetentionDays { get; set; } = 30;

    /// <summary>Rows deleted per purge statement, so a purge never holds many locks or a long transaction.</summary>
    public int PurgeBatchSize { get; set; } = 500;

    /// <summary>How often the purge runs.</summary>
    public int PurgeIntervalMinutes { get; set; } = 60;
}
