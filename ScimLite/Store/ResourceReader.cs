using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Schema;
using ScimLite.Store.Kinds;

namespace ScimLite.Store;

/// <summary>
/// Reads a whole resource from a POST or PUT body into the columns it is stored in, each attribute by its storage kind.
/// Every writable attribute gets a value — absent ones null (or their default), so a PUT clears what the client left
/// out (RFC 7644 §3.5.1; Okta AIW apps GET, edit and PUT the whole user). Unknown attributes and extensions are ignored
/// (Entra sends extras); readOnly ones (id, meta, groups) are ignored.
/// </summary>
public static class ResourceReader
{
    public static ColumnSet Read(ResourceMap map, JsonElement body)
    {
        var type = map.Type;
        var columns = new ColumnSet();
        Read(map, columns, CoreSchemas.ExternalId, body, "externalId");
        foreach (var attribute in type.Schema.Attributes)
            Read(map, columns, attribute, body, attribute.Name);
        foreach (var extension in type.Extensions)
        {
            body.TryGet(extension.Id, out var section);
            if (section.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
                throw ScimException.InvalidValue($"'{extension.Id}' must be an object.");
            foreach (var attribute in extension.Attributes)
                Read(map, columns, attribute, section, attribute.Name);
        }
        // Custom attributes are one jsonb document, written whole.
        ExtensionValues.Read(map, body, columns);
        map.Complete(columns);
        foreach (var required in type.Schema.Attributes.Where(a => a.Required))
        {
            if (map.Storage(required).Columns.All(c => columns.Get(c) is null))
                throw ScimException.InvalidValue($"'{required.Name}' is required.");
        }
        return columns;
    }

    static void Read(ResourceMap map, ColumnSet columns, AttributeDef attribute, JsonElement container, string where)
    {
        if (attribute.IsReadOnly)
            return;
        container.TryGet(attribute.Name, out var value);
        map.Storage(attribute).Read(columns, attribute, value, where, map.Type.Limits);
    }
}
