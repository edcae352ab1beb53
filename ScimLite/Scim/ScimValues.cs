using System.Globalization;
using System.Text.Json;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim;

/// <summary>Converts JSON request values to column values by attribute type, with the leniency IdPs need.</summary>
public static class ScimValues
{
    /// <summary>
    /// A single value for a column: string, bool, Guid or null. <paramref name="where"/> names the attribute in errors.
    /// </summary>
    public static object? ToColumn(AttributeDef attribute, JsonElement value, string where)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return null;
        // "" clears, as null does (Entra clears manager and other attributes this way).
        if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0)
            return null;
        return attribute.Type == AttrType.Boolean ? ToBoolean(value, where) : ToText(value, where);
    }

    /// <summary>
    /// Booleans; Entra's default PATCH dialect sends them as the strings "True" / "False" (any case, nothing else:
    /// "yes", "1" or " true" are 400).
    /// </summary>
    public static bool ToBoolean(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when string.Equals(value.GetString(), "true", StringComparison.OrdinalIgnoreCase) => true,
        JsonValueKind.String when string.Equals(value.GetString(), "false", StringComparison.OrdinalIgnoreCase) => false,
        _ => throw ScimException.InvalidValue($"'{where}' must be a boolean; '{Shorten(value)}' is not."),
    };

    /// <summary>
    /// Text; "" clears (stored as null, as an unassigned value). Numbers are taken as their text, since some
    /// clients send employeeNumber or postalCode unquoted.
    /// </summary>
    public static string? ToText(JsonElement value, string where) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : null,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Null => null,
        _ => throw ScimException.InvalidValue($"'{where}' must be a string."),
    };

    /// <summary>A resource id: a value that is not an id of ours can never reference a resource.</summary>
    public static Guid ToGuid(JsonElement value, string where)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (text is null || !Guid.TryParse(text, out var id))
            throw ScimException.InvalidValue($"'{where}' must be the id of an existing resource; '{Shorten(value)}' is not.");
        return id;
    }

    /// <summary>
    /// A multi-valued complex attribute as the jsonb array to store: items as objects of the known sub-attributes
    /// (as sent, unknown ones dropped), empty items dropped, at most one primary. Null or [] → null (unassigned).
    /// More items than <see cref="ValueLimits.MaxItems"/> is 400, before any item is read.
    /// </summary>
    public static JsonArrayValue? ToJsonArray(AttributeDef attribute, JsonElement value, string where, ValueLimits limits)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return null;
        if (value.ValueKind != JsonValueKind.Array)
            throw ScimException.InvalidValue($"'{where}' must be an array.");
        limits.CheckItems(value.GetArrayLength(), where);
        var items = new List<Dictionary<string, object>>();
        foreach (var item in value.EnumerateArray())
        {
            var normalized = ToItem(attribute, item, where);
            if (normalized.Count > 0)
                items.Add(normalized);
        }
        var primaries = items.Count(i => i.TryGetValue("primary", out var p) && p is true);
        if (primaries > 1)
            throw ScimException.InvalidValue($"At most one '{where}' value may be primary.");
        return items.Count == 0 ? null : new JsonArrayValue(JsonSerializer.Serialize(items), primaries == 1);
    }

    public static Dictionary<string, object> ToItem(AttributeDef attribute, JsonElement item, string where)
    {
        if (item.ValueKind != JsonValueKind.Object)
            throw ScimException.InvalidValue($"Each '{where}' value must be an object.");
        var result = new Dictionary<string, object>();
        foreach (var sub in attribute.SubAttributes)
        {
            if (!item.TryGet(sub.Name, out var subValue) || subValue.ValueKind == JsonValueKind.Null)
                continue;
            object? converted = sub.Type == AttrType.Boolean ? ToBoolean(subValue, $"{where}.{sub.Name}") : ToText(subValue, $"{where}.{sub.Name}");
            if (converted is not null)
                result[sub.Name] = converted;
        }
        return result;
    }

    /// <summary>A comma-separated list (<c>attributes=userName, emails</c>) as its trimmed items; null when empty.</summary>
    public static IReadOnlyList<string>? SplitList(string? text) => string.IsNullOrWhiteSpace(text)
        ? null
        : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static string Shorten(JsonElement value) =>
        Shorten(value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText());

    /// <summary>Client text quoted in an error detail, cut to 64 characters.</summary>
    public static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    public static string FormatInstant(DateTime utc) =>
        DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string ETag(long version) => $"W/\"{version.ToString(CultureInfo.InvariantCulture)}\"";
}

/// <summary>A multi-valued attribute's items as the JSON array to store, and whether one of them is primary.</summary>
public sealed record JsonArrayValue(string Json, bool HasPrimary);
