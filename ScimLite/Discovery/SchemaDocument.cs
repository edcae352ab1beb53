using System.Text.Json;
using System.Text.Json.Nodes;
using ScimLite.Scim.Schema;

namespace ScimLite.Discovery;

/// <summary>A Schema resource (RFC 7643 §7) generated from a <see cref="SchemaDef"/>.</summary>
public static class SchemaDocument
{
    /// <remarks>
    /// The common attributes (id, externalId, meta; RFC 7643 §3.1) are not listed, following the RFC's own §8.7.1
    /// listing: they belong to every resource, not to the User or Group schema. ScimLite still serves, filters and
    /// sorts them (<see cref="ResourceTypeDef.Common"/>).
    /// </remarks>
    public static JsonObject Build(SchemaDef schema, string baseUrl) => new()
    {
        ["schemas"] = new JsonArray(ScimUrns.Schema),
        ["id"] = schema.Id,
        ["name"] = schema.Name,
        ["description"] = schema.Description,
        ["attributes"] = Attributes(schema.Attributes),
        ["meta"] = new JsonObject
        {
            ["resourceType"] = "Schema",
            ["location"] = Location(schema, baseUrl),
        },
    };

    public static string Location(SchemaDef schema, string baseUrl) => $"{baseUrl}/Schemas/{schema.Id}";

    static JsonArray Attributes(IEnumerable<AttributeDef> attributes) =>
        new(attributes.Select(attribute => (JsonNode?)Attribute(attribute)).ToArray());

    /// <summary>Every characteristic is written out, defaults included, so clients need not know RFC 7643 §2.2.</summary>
    static JsonObject Attribute(AttributeDef attribute)
    {
        var json = new JsonObject
        {
            ["name"] = attribute.Name,
            ["type"] = Camel(attribute.Type),
            ["multiValued"] = attribute.MultiValued,
            ["description"] = attribute.Description,
            ["required"] = attribute.Required,
            ["caseExact"] = attribute.CaseExact,
            ["mutability"] = Camel(attribute.Mutability),
            ["returned"] = Camel(attribute.Returned),
            ["uniqueness"] = Camel(attribute.Uniqueness),
        };
        if (attribute.CanonicalValues is { } canonicalValues)
            json["canonicalValues"] = Strings(canonicalValues);
        if (attribute.ReferenceTypes is { } referenceTypes)
            json["referenceTypes"] = Strings(referenceTypes);
        if (attribute.Type == AttrType.Complex)
            json["subAttributes"] = Attributes(attribute.SubAttributes);
        return json;
    }

    /// <summary>The enum names are the RFC keywords in PascalCase: DateTime → dateTime, WriteOnly → writeOnly.</summary>
    static string Camel(Enum value) => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    static JsonArray Strings(IEnumerable<string> values) => new(values.Select(value => (JsonNode?)value).ToArray());
}
