using System.Text.Json;
using ScimLite.Scim.Schema;
using ScimLite.Scim.Sql;

namespace ScimLite.Scim;

/// <summary>
/// Writes a stored resource (one <see cref="ResourceRow"/>, columns named as in the schema definitions) as SCIM JSON,
/// honouring the projection. Unassigned attributes are left out (RFC 7643 §2.5). Computed attributes (a Link
/// attribute's JSON array, a derived sub-attribute such as a $ref) arrive as the type's <see cref="ResourceSql"/>
/// selected them, only when projected.
/// </summary>
public static class ResourceWriter
{
    /// <summary>The resource as a response: ETag from meta.version; on create also Location (= meta.location).</summary>
    public static IResult Result(ResourceTypeDef type, int status, ResourceRow row, Projection projection,
        string baseUrl, bool withLocation = false)
    {
        var location = withLocation ? $"{baseUrl}{type.Endpoint}/{row.Id}" : null;
        return ScimJson.Result(status, w => Write(w, type, row, projection, baseUrl), ScimValues.ETag(row.Version), location);
    }

    /// <summary>
    /// A resource a POST (201), PUT or PATCH (200) wrote: the resource, or no body when the request prefers
    /// return=minimal (<see cref="ScimPrefer"/>).
    /// </summary>
    public static IResult Written(HttpRequest request, ResourceTypeDef type, int status, ResourceRow row, Projection projection, string baseUrl) =>
        ScimPrefer.Answer(request, status, ScimValues.ETag(row.Version), status == 201 ? $"{baseUrl}{type.Endpoint}/{row.Id}" : null,
            () => Result(type, status, row, projection, baseUrl, withLocation: status == 201));

    public static void Write(Utf8JsonWriter w, ResourceTypeDef type, ResourceRow row, Projection projection, string baseUrl)
    {
        WriteOpen(w, type, row, projection, baseUrl, streamed: null);
        w.WriteEndObject();
    }

    /// <summary>
    /// The resource without its closing brace and without the <paramref name="streamed"/> attribute, which the caller
    /// writes last, item by item (<see cref="LinkItems"/>): JSON object members are unordered, and a long array at the
    /// end lets a client see everything else first.
    /// </summary>
    public static void WriteOpen(Utf8JsonWriter w, ResourceTypeDef type, ResourceRow row, Projection projection, string baseUrl,
        LinkSql? streamed)
    {
        var id = row.Id;
        var extensionsPresent = type.Extensions.Where(e => HasValues(e, row)).ToList();

        w.WriteStartObject();
        w.WriteStartArray("schemas");
        w.WriteStringValue(type.Schema.Id);
        foreach (var extension in extensionsPresent)
            w.WriteStringValue(extension.Id);
        w.WriteEndArray();
        w.WriteString("id", id);
        if (projection.IncludesCommon(type, CoreSchemas.ExternalId) && row.Column(CoreSchemas.ExternalId.Column!) is string externalId)
            w.WriteString("externalId", externalId);

        WriteAttributes(w, type.Schema, row, projection, streamed);
        foreach (var extension in extensionsPresent)
        {
            if (!extension.Attributes.Any(a => projection.Includes(extension, a) && HasValue(a, row)))
                continue;
            w.WriteStartObject(extension.Id);
            WriteAttributes(w, extension, row, projection, streamed);
            w.WriteEndObject();
        }

        if (projection.IncludesCommon(type, CoreSchemas.Meta))
        {
            var location = $"{baseUrl}{type.Endpoint}/{id}";
            w.WriteStartObject("meta");
            w.WriteString("resourceType", type.Name);
            w.WriteString("created", ScimValues.FormatInstant(row.Created));
            w.WriteString("lastModified", ScimValues.FormatInstant(row.LastModified));
            w.WriteString("location", location);
            w.WriteString("version", ScimValues.ETag(row.Version));
            w.WriteEndObject();
        }
    }

    static void WriteAttributes(Utf8JsonWriter w, SchemaDef schema, ResourceRow row, Projection projection, LinkSql? streamed)
    {
        foreach (var attribute in schema.Attributes)
        {
            if (!projection.Includes(schema, attribute))
                continue;
            switch (attribute.Storage)
            {
                case Storage.Column:
                    WriteScalar(w, attribute.Name, row.Column(attribute.Column!));
                    break;
                case Storage.JsonArray:
                    if (row.Column(attribute.Column!) is string json)
                        WriteJsonArray(w, schema, attribute, json, projection);
                    break;
                case Storage.Parts:
                    WriteParts(w, schema, attribute, row, projection);
                    break;
                case Storage.Link when ReferenceEquals(streamed?.Path.Attribute, attribute):
                    break;
                case Storage.Link:
                    // No items: unassigned, so left out like any empty multi-valued attribute (RFC 7643 §2.5).
                    if (row.Computed(attribute, null) is string linksJson)
                    {
                        w.WritePropertyName(attribute.Name);
                        w.WriteRawValue(linksJson, skipInputValidation: true);
                    }
                    break;
                case Storage.Extension:
                    if (row.Custom(attribute) is { ValueKind: not JsonValueKind.Undefined } custom)
                    {
                        w.WritePropertyName(attribute.Name);
                        custom.WriteTo(w);
                    }
                    break;
            }
        }
    }

    static void WriteScalar(Utf8JsonWriter w, string name, object? value)
    {
        switch (value)
        {
            case string text: w.WriteString(name, text); break;
            case bool flag: w.WriteBoolean(name, flag); break;
            case Guid guid: w.WriteString(name, guid); break;
        }
    }

    static void WriteJsonArray(Utf8JsonWriter w, SchemaDef schema, AttributeDef attribute, string json, Projection projection)
    {
        w.WritePropertyName(attribute.Name);
        if (attribute.SubAttributes.All(sub => projection.Includes(schema, attribute, sub)))
        {
            w.WriteRawValue(json, skipInputValidation: true);
            return;
        }
        using var document = JsonDocument.Parse(json);
        w.WriteStartArray();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            w.WriteStartObject();
            foreach (var property in item.EnumerateObject())
            {
                var sub = attribute.Sub(property.Name);
                if (sub is not null && projection.Includes(schema, attribute, sub))
                    property.WriteTo(w);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>
    /// A single-valued complex attribute written from its columns and computed sub-attributes, left out when all its
    /// columns are empty.
    /// </summary>
    static void WriteParts(Utf8JsonWriter w, SchemaDef schema, AttributeDef complex, ResourceRow row, Projection projection)
    {
        if (!HasValue(complex, row))
            return;
        w.WriteStartObject(complex.Name);
        foreach (var sub in complex.SubAttributes)
        {
            if (!projection.Includes(schema, complex, sub))
                continue;
            if (sub.Column is not null)
                WriteScalar(w, sub.Name, row.Column(sub.Column));
            else if (row.Computed(complex, sub) is string computed)
                w.WriteString(sub.Name, computed);
        }
        w.WriteEndObject();
    }

    static bool HasValues(SchemaDef schema, ResourceRow row) => schema.Attributes.Any(a => HasValue(a, row));

    static bool HasValue(AttributeDef attribute, ResourceRow row) => attribute.Storage switch
    {
        Storage.Column or Storage.JsonArray => row.Column(attribute.Column!) is not null,
        Storage.Parts => attribute.SubAttributes.Any(s => s.Column is not null && row.Column(s.Column) is not null),
        Storage.Extension => row.Custom(attribute).ValueKind != JsonValueKind.Undefined,
        _ => false,
    };
}
