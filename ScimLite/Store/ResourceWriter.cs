using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Schema;

namespace ScimLite.Store;

/// <summary>
/// Writes a stored resource (one <see cref="ResourceRow"/>) as SCIM JSON, honouring the projection: each attribute by
/// its storage kind. Unassigned attributes are left out (RFC 7643 §2.5); computed ones arrive as the map selected
/// them, only when projected.
/// </summary>
public static class ResourceWriter
{
    public static void Write(Utf8JsonWriter w, ResourceMap map, ResourceRow row, Projection projection, string baseUrl)
    {
        WriteOpen(w, map, row, projection, baseUrl, streamed: null);
        w.WriteEndObject();
    }

    /// <summary>
    /// The resource without its closing brace and without the <paramref name="streamed"/> attribute, which the caller
    /// writes last, item by item (<see cref="LinkItems"/>): JSON object members are unordered, and a long array at the
    /// end lets a client see everything else first.
    /// </summary>
    public static void WriteOpen(Utf8JsonWriter w, ResourceMap map, ResourceRow row, Projection projection, string baseUrl,
        AttributeDef? streamed)
    {
        var type = map.Type;
        var extensionsPresent = type.Extensions.Where(e => e.Attributes.Any(a => map.Storage(a).HasValue(a, row))).ToList();

        w.WriteStartObject();
        w.WriteStartArray("schemas");
        w.WriteStringValue(type.Schema.Id);
        foreach (var extension in extensionsPresent)
            w.WriteStringValue(extension.Id);
        w.WriteEndArray();
        w.WriteString("id", row.Id);
        if (projection.Includes(type.Schema, CoreSchemas.ExternalId))
            map.Storage(CoreSchemas.ExternalId).Write(w, type.Schema, CoreSchemas.ExternalId, row, projection, baseUrl);

        WriteAttributes(w, map, type.Schema, row, projection, baseUrl, streamed);
        foreach (var extension in extensionsPresent)
        {
            if (!extension.Attributes.Any(a => projection.Includes(extension, a) && map.Storage(a).HasValue(a, row)))
                continue;
            w.WriteStartObject(extension.Id);
            WriteAttributes(w, map, extension, row, projection, baseUrl, streamed);
            w.WriteEndObject();
        }

        if (projection.Includes(type.Schema, CoreSchemas.Meta))
        {
            w.WriteStartObject("meta");
            w.WriteString("resourceType", type.Name);
            w.WriteString("created", ScimValues.FormatInstant(row.Created));
            w.WriteString("lastModified", ScimValues.FormatInstant(row.LastModified));
            w.WriteString("location", type.Location(baseUrl, row.Id));
            w.WriteString("version", ScimValues.ETag(row.Version));
            w.WriteEndObject();
        }
    }

    static void WriteAttributes(Utf8JsonWriter w, ResourceMap map, SchemaDef schema, ResourceRow row, Projection projection, string baseUrl,
        AttributeDef? streamed)
    {
        foreach (var attribute in schema.Attributes)
        {
            if (projection.Includes(schema, attribute) && !ReferenceEquals(attribute, streamed))
                map.Storage(attribute).Write(w, schema, attribute, row, projection, baseUrl);
        }
    }
}
