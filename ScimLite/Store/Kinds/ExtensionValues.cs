using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimLite.Scim;
using ScimLite.Scim.Schema;

namespace ScimLite.Store.Kinds;

/// <summary>
/// Custom attribute values from requests, checked against their declared type (400 invalidValue otherwise) and kept
/// as JSON of that type: strings, booleans, numbers; a dateTime as the ISO 8601 string sent; multi-valued as arrays.
/// </summary>
public static class ExtensionValues
{
    /// <summary>
    /// POST/PUT: the custom attributes of the body (each declared URN object) as the <c>extensions</c> column. A PUT
    /// replaces the declared extensions and keeps what is stored under URNs no longer declared; the document written
    /// passes <c>scim_within_limits</c> (sql/0011_extension_limits.sql). Reports every undeclared extension URN the
    /// body carries.
    /// </summary>
    public static void Read(ResourceMap map, JsonElement body, ColumnSet columns)
    {
        var type = map.Type;
        var sections = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in body.EnumerateObject())
        {
            if (type.Extensions.FirstOrDefault(e => string.Equals(e.Id, property.Name, StringComparison.OrdinalIgnoreCase)) is { } known)
            {
                // Two keys naming one extension (in different case): keeping either would silently drop the other.
                if (!sections.TryAdd(known.Id, property.Value))
                    throw ScimException.InvalidSyntax($"The body names the extension '{known.Id}' twice (keys differing only in case); send it once.");
            }
            else if (ScimUrns.UrnOf(property.Name) is { } urn && !string.Equals(property.Name, type.Schema.Id, StringComparison.OrdinalIgnoreCase))
                type.IgnoreExtension(urn);
        }
        var declared = type.Extensions.Where(e => e.Attributes.Any(a => map.Storage(a) is ExtensionStorage)).ToList();
        if (declared.Count == 0)
            return;
        var document = new JsonObject();
        foreach (var extension in declared)
        {
            if (!sections.TryGetValue(extension.Id, out var section) || section.ValueKind != JsonValueKind.Object)
                continue;
            var values = new JsonObject();
            foreach (var (attribute, value) in Attributes(extension, section))
            {
                if (ToJson(attribute, value, $"{extension.Id}:{attribute.Name}", type.Limits) is { } json)
                    values[attribute.Name] = json;
                else if (attribute.Required)
                    throw ScimException.InvalidValue($"'{extension.Id}:{attribute.Name}' is required.");
            }
            if (values.Count > 0)
                document[extension.Id] = values;
        }
        var urns = declared.Select(e => e.Id).ToArray();
        columns.Set(ExtensionStorage.Column, document.Count == 0 ? null : document.ToJsonString(), jsonb: true);
        columns.SetUpdate(ExtensionStorage.Column, value =>
            $"nullif((coalesce(r.{ExtensionStorage.Column}, '{{}}'::jsonb) - CAST(@p_extensions_urns AS text[])) || coalesce({value}, '{{}}'::jsonb), '{{}}'::jsonb)",
            ("p_extensions_urns", urns));
        columns.SetGuard(ExtensionStorage.Column, value => Statements.WithinLimits(value, "@p_extensions_max_items", "@p_extensions_max_bytes"),
            ("p_extensions_max_items", type.Limits.MaxItems), ("p_extensions_max_bytes", type.Limits.MaxExtensionBytes));
    }

    /// <summary>
    /// The declared attributes of one extension object and their values (Undefined when absent). Two keys naming one
    /// attribute in different case are 400 invalidSyntax, as for extension URNs: one would be silently lost.
    /// </summary>
    static IEnumerable<(AttributeDef Attribute, JsonElement Value)> Attributes(SchemaDef extension, JsonElement section)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in section.EnumerateObject())
        {
            if (extension.Attribute(property.Name) is { } attribute && !values.TryAdd(attribute.Name, property.Value))
                throw ScimException.InvalidSyntax($"'{extension.Id}' names the attribute '{attribute.Name}' twice (keys differing only in case); send it once.");
        }
        foreach (var attribute in extension.Attributes)
            yield return (attribute, values.GetValueOrDefault(attribute.Name));
    }

    /// <summary>
    /// A value of a custom attribute as JSON; null for null, "" or an empty array (unassigned). A multi-valued one is
    /// checked against <see cref="ValueLimits.MaxItems"/> before any item is read, and its repeated items dropped by a
    /// hash set of their values: linear in the items, however many are sent.
    /// </summary>
    public static JsonNode? ToJson(AttributeDef attribute, JsonElement value, string where, ValueLimits limits)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return null;
        if (!attribute.MultiValued)
            return value.ValueKind == JsonValueKind.Array
                ? throw ScimException.InvalidValue($"'{where}' is single-valued; send one value, not an array.")
                : Node(Scalar(attribute, value, where));
        if (value.ValueKind == JsonValueKind.Array)
            limits.CheckItems(value.GetArrayLength(), where);
        var items = new JsonArray();
        var seen = new HashSet<object>();
        foreach (var item in value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : Enumerable.Repeat(value, 1))
        {
            if (item.ValueKind == JsonValueKind.Array)
                throw ScimException.InvalidValue($"Each '{where}' value must be a single value.");
            if (item.ValueKind != JsonValueKind.Null && Scalar(attribute, item, where) is { } scalar && seen.Add(scalar))
                items.Add(Node(scalar));
        }
        return items.Count == 0 ? null : items;
    }

    static JsonNode? Node(object? scalar) => scalar switch
    {
        null => null,
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        decimal d => JsonValue.Create(d),
        _ => JsonValue.Create((string)scalar),
    };

    /// <summary>
    /// One value in its declared type, strictly: a string attribute takes a JSON string, an integer one an integral
    /// number, a boolean one true or false. Two leniencies, both exact text: Entra's default PATCH dialect sends
    /// booleans as "True"/"False", and numbers as their decimal text ("42") are read as numbers.
    /// </summary>
    static object? Scalar(AttributeDef attribute, JsonElement value, string where)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0)
            return null;
        switch (attribute.Type)
        {
            case AttrType.Boolean:
                return ScimValues.ToBoolean(value, where);
            case AttrType.Integer:
                if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
                    return number;
                if (value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
                    return number;
                throw ScimException.InvalidValue($"'{where}' must be an integer; '{ScimValues.Shorten(value)}' is not.");
            case AttrType.Decimal:
                if (value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var amount))
                    return amount;
                if (value.ValueKind == JsonValueKind.String && decimal.TryParse(value.GetString(), DecimalText, CultureInfo.InvariantCulture, out amount))
                    return amount;
                throw ScimException.InvalidValue($"'{where}' must be a decimal number; '{ScimValues.Shorten(value)}' is not.");
            case AttrType.DateTime:
                var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
                if (text.Length >= 10 && text[4] == '-' && text.Contains('T', StringComparison.Ordinal) &&
                    DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
                    return text;
                throw ScimException.InvalidValue($"'{where}' must be a dateTime like \"2011-05-13T04:42:34Z\"; '{ScimValues.Shorten(value)}' is not.");
            default:
                return value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : throw ScimException.InvalidValue($"'{where}' must be a string; '{ScimValues.Shorten(value)}' is not.");
        }
    }

    const NumberStyles DecimalText = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
}
