namespace ScimLite.Scim;

/// <summary>
/// The time a write stamps on meta.created / meta.lastModified. Those columns keep milliseconds
/// (<c>timestamptz(3)</c>, sql/0006) because responses carry milliseconds; the clock is cut to the same precision, so the
/// value written, stored, returned and compared in a filter is one and the same.
/// </summary>
public static class ScimClock
{
    /// <summary>The current UTC time, truncated to the millisecond.</summary>
    public static DateTime UtcNowToTheMillisecond(this TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }
}
