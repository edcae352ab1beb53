using System.Globalization;

namespace ScimLite.Auth;

/// <summary>Durations as an operator types them: <c>90d</c>, <c>24h</c>, <c>30m</c>, <c>45s</c>.</summary>
public static class Durations
{
    public static TimeSpan Parse(string text, string option)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2
            && int.TryParse(trimmed[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            && amount > 0)
        {
            switch (char.ToLowerInvariant(trimmed[^1]))
            {
                case 'd': return TimeSpan.FromDays(amount);
                case 'h': return TimeSpan.FromHours(amount);
                case 'm': return TimeSpan.FromMinutes(amount);
                case 's': return TimeSpan.FromSeconds(amount);
            }
        }
        throw new FormatException($"{option}: '{text}' is not a duration such as 90d, 24h, 30m or 45s.");
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
