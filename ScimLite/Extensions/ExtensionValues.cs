using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimLite.Scim;
using ScimLite.Scim.Schema;
using ScimLite.Scim.Sql;

namespace ScimLite.Extensions;

/// <summary>
/// Custom attribute values from requests, checked against their declared type (400 invalidValue otherwise) and kept
/// as JSON of that type: strings, booleans, numbers; a dateTime as the ISO 8601 string sent; multi-valued as arrays.
/// </summary>
public static class ExtensionValues
{
    /// <summary>
    /// POST/PUT: the custom attributes of the body (each declared URN object) as the <c>extensions</c> column. A PUT
    /// replaces the declared extensions and keeps what is stored under URNs no longer declared. Reports every
    /// undeclared extension URN the body carries.
    /// </summary>
    public static void Read(ResourceTypeDef type, JsonElement body, ColumnSet columns)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (IgnoredExtensions.UrnOf(property.Name) is { } urn &&
                !type.AllSchemas.Any(s => string.Equals(s.Id, property.Name, StringComparison.OrdinalIgnoreCase)))
                type.IgnoreExtension(urn);
        }
        var declared = type.Extensions.Where(e => e.Attributes.Any(a => a.Storage == Storage.Extension)).ToList();
        if (declared.Count == 0)
            return;
        var document = new JsonObject();
        foreach (var extension in declared)
        {
            if (!body.TryGet(extension.Id, out var section) || section.ValueKind != JsonValueKind.Object)
                continue;
            var values = new JsonObject();
            foreach (var attribute in extension.Attributes)
            {
                section.TryGet(attribute.Name, out var value);
                if (ToJson(attribute, value, $"{extension.Id}:{attribute.Name}") is { } json)
                    values[attribute.Name] = json;
                else if (attribute.Required)
                    throw ScimException.InvalidValue($"'{extension.Id}:{attribute.Name}' is required.");
            }
            if (values.Count > 0)
                document[extension.Id] = values;
        }
        var urns = declared.Select(e => e.Id).ToArray();
        columns.Set(ExtensionSql.Column, document.Count == 0 ? null : document.ToJsonString(), jsonb: true);
        columns.SetUpdate(ExtensionSql.Column, value =>
            $"nullif((coalesce(r.{ExtensionSql.Column}, '{{}}'::jsonb) - CAST(@p_extensions_urns AS text[])) || coalesce({value}, '{{}}'::jsonb), '{{}}'::jsonb)",
            ("p_extensions_urns", urns));
    }

    /// <summary>A value of a custom attribute as JSON; null for null, "" or an empty array (unassigned).</summary>
    public static JsonNode? ToJson(AttributeDef attribute, JsonElement value, string where)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return null;
        if (!attribute.MultiValued)
            return value.ValueKind == JsonValueKind.Array
                ? throw ScimException.InvalidValue($"'{where}' is single-valued; send one value, not an array.")
                : Scalar(attribute, value, where);
        var items = new JsonArray();
        foreach (var item in value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : Enumerable.Repeat(value, 1))
        {
            if (item.ValueKind == JsonValueKind.Array)
                throw ScimException.InvalidValue($"Each '{where}' value must be a single value.");
            if (item.ValueKind != JsonValueKind.Null && Scalar(attribute, item, where) is { } node &&
                !items.Any(existing => JsonNode.DeepEquals(existing, node)))
                items.Add(node);
        }
        return items.Count == 0 ? null : items;
    }

    static JsonNode? Scalar(AttributeDef attribute, JsonElement value, string where)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0)
            return null;
        switch (attribute.Type)
        {
            case AttrType.Boolean:
                return JsonValue.Create(ScimValues.ToBoolean(value, where));
            case AttrType.Integer:
                if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
                    return JsonValue.Create(number);
                if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
                    return JsonValue.Create(number);
                throw ScimException.InvalidValue($"'{where}' must be an integer; '{ScimValues.Shorten(value)}' is not.");
            case AttrType.Decimal:
                if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var amount))
                    return JsonValue.Create(amount);
                if (value.ValueKind == JsonValueKind.String && decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out amount))
                    return JsonValue.Create(amount);
                throw ScimException.InvalidValue($"'{where}' must be a decimal number; '{ScimValues.Shorten(value)}' is not.");
            case AttrType.DateTime:
                var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
                if (text.Length >= 10 && text[4] == '-' && text.Contains('T', StringComparison.Ordinal) &&
                    DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                    return JsonValue.Create(text);
                throw ScimException.InvalidValue($"'{where}' must be a dateTime like \"2011-05-13T04:42:34Z\"; '{ScimValues.Shorten(value)}' is not.");
            default:
                return ScimValues.ToText(value, where) is { } s ? JsonValue.Create(s) : null;
        }
    }
}
