using System.Text.Json;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim;

/// <summary>
/// Writes a stored resource (one row, columns named as in the schema definitions) as SCIM JSON, honouring the
/// projection. Unassigned attributes are left out (RFC 7643 §2.5). Link attributes (users.groups, groups.members)
/// arrive as JSON built by the SQL in a column named <c>&lt;attribute&gt;_json</c>, selected only when projected.
/// </summary>
public static class ResourceWriter
{
    /// <summary>The resource as a response: ETag from meta.version; on create also Location (= meta.location).</summary>
    public static IResult Result(ResourceTypeDef type, int status, IDictionary<string, object?> row, Projection projection,
        string baseUrl, bool withLocation = false)
    {
        var location = withLocation ? $"{baseUrl}{type.Endpoint}/{row["id"]}" : null;
        return ScimJson.Result(status, w => Write(w, type, row, projection, baseUrl), ScimValues.ETag((long)row["version"]!), location);
    }

    public static void Write(Utf8JsonWriter w, ResourceTypeDef type, IDictionary<string, object?> row, Projection projection, string baseUrl)
    {
        var id = (Guid)row["id"]!;
        var extensionsPresent = type.Extensions.Where(e => HasValues(e, row)).ToList();

        w.WriteStartObject();
        w.WriteStartArray("schemas");
        w.WriteStringValue(type.Schema.Id);
        foreach (var extension in extensionsPresent)
            w.WriteStringValue(extension.Id);
        w.WriteEndArray();
        w.WriteString("id", id);
        if (projection.IncludesCommon(type, CoreSchemas.ExternalId) && row["external_id"] is string externalId)
            w.WriteString("externalId", externalId);

        WriteAttributes(w, type.Schema, row, projection, baseUrl);
        foreach (var extension in extensionsPresent)
        {
            if (!extension.Attributes.Any(a => projection.Includes(extension, a) && HasValue(a, row)))
                continue;
            w.WriteStartObject(extension.Id);
            WriteAttributes(w, extension, row, projection, baseUrl);
            w.WriteEndObject();
        }

        if (projection.IncludesCommon(type, CoreSchemas.Meta))
        {
            var location = $"{baseUrl}{type.Endpoint}/{id}";
            w.WriteStartObject("meta");
            w.WriteString("resourceType", type.Name);
            w.WriteString("created", ScimValues.FormatInstant((DateTime)row["created"]!));
            w.WriteString("lastModified", ScimValues.FormatInstant((DateTime)row["last_modified"]!));
            w.WriteString("location", location);
            w.WriteString("version", ScimValues.ETag((long)row["version"]!));
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    static void WriteAttributes(Utf8JsonWriter w, SchemaDef schema, IDictionary<string, object?> row, Projection projection,
        string baseUrl)
    {
        foreach (var attribute in schema.Attributes)
        {
            if (!projection.Includes(schema, attribute))
                continue;
            switch (attribute.Storage)
            {
                case Storage.Column:
                    WriteScalar(w, attribute.Name, row[attribute.Column!]);
                    break;
                case Storage.JsonArray:
                    if (row[attribute.Column!] is string json)
                        WriteJsonArray(w, schema, attribute, json, projection);
                    break;
                case Storage.Parts:
                    WriteParts(w, schema, attribute, row, projection, baseUrl);
                    break;
                case Storage.Link:
                    w.WritePropertyName(attribute.Name);
                    if (row.TryGetValue($"{attribute.Name}_json", out var links) && links is string linksJson)
                        w.WriteRawValue(linksJson, skipInputValidation: true);
                    else
                        w.WriteRawValue("[]", skipInputValidation: true);
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

    /// <summary>name.* and manager: a complex attribute written from its columns, left out when all are empty.</summary>
    static void WriteParts(Utf8JsonWriter w, SchemaDef schema, AttributeDef complex, IDictionary<string, object?> row,
        Projection projection, string baseUrl)
    {
        if (!HasValue(complex, row))
            return;
        w.WriteStartObject(complex.Name);
        foreach (var sub in complex.SubAttributes)
        {
            if (!projection.Includes(schema, complex, sub))
                continue;
            if (sub.Column is not null)
                WriteScalar(w, sub.Name, row[sub.Column]);
            else if (complex.Name == "manager" && row["manager_id"] is Guid managerId)
            {
                if (sub.Name == "$ref")
                    w.WriteString("$ref", $"{baseUrl}/Users/{managerId}");
                else if (sub.Name == "displayName" && row["manager_display_name"] is string display)
                    w.WriteString("displayName", display);
            }
        }
        w.WriteEndObject();
    }

    static bool HasValues(SchemaDef schema, IDictionary<string, object?> row) => schema.Attributes.Any(a => HasValue(a, row));

    static bool HasValue(AttributeDef attribute, IDictionary<string, object?> row) => attribute.Storage switch
    {
        Storage.Column or Storage.JsonArray => row[attribute.Column!] is not null,
        Storage.Parts => attribute.SubAttributes.Any(s => s.Column is not null && row[s.Column] is not null),
        _ => false,
    };
}
