using System.Globalization;

namespace ScimLite.Auth;

/// <summary>Durations as an operator types them: <c>90d</c>, <c>24h</c>, <c>30m</c>, <c>45s</c>.</summary>
public static class Durations
{
    /// <summary>A positive duration, or a <see cref="FormatException"/> naming <paramref name="option"/>.</summary>
    public static TimeSpan Parse(string text, string option) =>
        TryParse(text, out var span) && span > TimeSpan.Zero
            ? span
            : throw new FormatException($"{option}: '{text}' is not a duration such as 90d, 24h, 30m or 45s.");

    /// <summary>A whole number of days, hours, minutes or seconds (zero included); false for anything else.</summary>
    public static bool TryParse(string text, out TimeSpan span)
    {
        span = default;
        var trimmed = text.Trim();
        if (trimmed.Length < 2 || !long.TryParse(trimmed[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            return false;
        double? seconds = char.ToLowerInvariant(trimmed[^1]) switch
        {
            'd' => amount * 86_400.0,
            'h' => amount * 3_600.0,
            'm' => amount * 60.0,
            's' => amount,
            _ => null,
        };
        // Far more than any date arithmetic can use, and safely inside TimeSpan's range.
        if (seconds is not { } total || total > TimeSpan.MaxValue.TotalSeconds / 2)
            return false;
        span = TimeSpan.FromSeconds(total);
        return true;
    }

    /// <summary>A short age or distance for tables: <c>3d</c>, <c>5h</c>, <c>12m</c>, <c>40s</c>.</summary>
    public static string Short(TimeSpan span)
    {
        span = span.Duration();
        return span.TotalDays >= 1 ? $"{(int)span.TotalDays}d"
            : span.TotalHours >= 1 ? $"{(int)span.TotalHours}h"
            : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m"
            : $"{(int)span.TotalSeconds}s";
    }
}
