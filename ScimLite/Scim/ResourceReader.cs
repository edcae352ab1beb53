using System.Text.Json;
using ScimLite.Scim.Schema;
using ScimLite.Scim.Sql;

namespace ScimLite.Scim;

/// <summary>
/// Reads a whole resource from a POST or PUT body into the columns it is stored in. Every writable attribute gets a
/// value — absent ones null, so a PUT clears what the client left out (RFC 7644 §3.5.1; Okta AIW apps GET, edit and
/// PUT the whole user). Unknown attributes and extensions are ignored (Entra sends extras); readOnly ones (id, meta,
/// groups) are ignored.
/// </summary>
public static class ResourceReader
{
    public static ColumnSet Read(ResourceTypeDef type, JsonElement body)
    {
        var columns = new ColumnSet();
        ReadAttribute(columns, CoreSchemas.ExternalId, body, "externalId", type.Limits);
        foreach (var attribute in type.Schema.Attributes)
            ReadAttribute(columns, attribute, body, attribute.Name, type.Limits);
        foreach (var extension in type.Extensions)
        {
            body.TryGet(extension.Id, out var section);
            if (section.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
                throw ScimException.InvalidValue($"'{extension.Id}' must be an object.");
            foreach (var attribute in extension.Attributes)
                ReadAttribute(columns, attribute, section, attribute.Name, type.Limits);
        }
        Extensions.ExtensionValues.Read(type, body, columns);
        type.Sql.Complete(columns);
        foreach (var required in type.Schema.Attributes.Where(a => a.Required))
        {
            if (columns.Get(required.Column!) is null)
                throw ScimException.InvalidValue($"'{required.Name}' is required.");
        }
        return columns;
    }

    static void ReadAttribute(ColumnSet columns, AttributeDef attribute, JsonElement container, string where, ValueLimits limits)
    {
        if (attribute.Mutability == Mutability.ReadOnly)
            return;
        container.TryGet(attribute.Name, out var value);
        switch (attribute.Storage)
        {
            case Storage.Column:
                columns.Set(attribute.Column!, DefaultFor(attribute, ScimValues.ToColumn(attribute, value, where)));
                break;
            case Storage.JsonArray:
                columns.Set(attribute.Column!, ScimValues.ToJsonArray(attribute, value, where, limits), jsonb: true);
                break;
            case Storage.Parts:
                ReadParts(columns, attribute, value, where);
                break;
        }
    }

    /// <summary>An absent or null <c>active</c> means active: a user nobody deactivated is active.</summary>
    static object? DefaultFor(AttributeDef attribute, object? value) =>
        value is null && attribute.Type == AttrType.Boolean ? true : value;

    static void ReadParts(ColumnSet columns, AttributeDef complex, JsonElement value, string where)
    {
        // manager may be a bare id string (Entra).
        if (value.ValueKind == JsonValueKind.String && complex.Sub("value") is { Column: not null } valueSub)
        {
            columns.Set(valueSub.Column!, ScimValues.ToColumn(valueSub, value, $"{where}.value"));
            return;
        }
        if (value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
            throw ScimException.InvalidValue($"'{where}' must be an object.");
        foreach (var sub in complex.SubAttributes)
        {
            if (sub.Column is null || sub.Mutability == Mutability.ReadOnly)
                continue;
            value.TryGet(sub.Name, out var subValue);
            columns.Set(sub.Column, ScimValues.ToColumn(sub, subValue, $"{where}.{sub.Name}"));
        }
    }

    /// <summary>The cleartext password of a POST/PUT body, if it carries one.</summary>
    public static string? Password(JsonElement body) =>
        body.TryGet("password", out var value) ? ScimValues.ToText(value, "password") : null;
}
