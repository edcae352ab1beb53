using System.Text.Json.Nodes;
using ScimLite.Scim.Schema;

namespace ScimLite.Discovery;

/// <summary>A ResourceType resource (RFC 7643 §6) generated from a <see cref="ResourceTypeDef"/>.</summary>
public static class ResourceTypeDocument
{
    public static JsonObject Build(ResourceTypeDef type, string baseUrl)
    {
        var json = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimUrns.ResourceType),
            ["id"] = type.Name,
            ["name"] = type.Name,
            // RFC 7643 §8.6 describes User as "User Account" and Group as "Group": the base schemas' descriptions.
            ["description"] = type.Schema.Description,
            ["endpoint"] = type.Endpoint,
            ["schema"] = type.Schema.Id,
        };
        // Omitted when empty, as in RFC 7643 §8.6 for Group; an absent and an empty array mean the same (§2.5).
        if (type.Extensions.Count > 0)
        {
            // No extension is required: a User without enterprise attributes is valid.
            json["schemaExtensions"] = new JsonArray(type.Extensions
                .Select(extension => (JsonNode?)new JsonObject { ["schema"] = extension.Id, ["required"] = false })
                .ToArray());
        }
        json["meta"] = new JsonObject
        {
            ["resourceType"] = "ResourceType",
            ["location"] = Location(type, baseUrl),
        };
        return json;
    }

    public static string Location(ResourceTypeDef type, string baseUrl) => $"{baseUrl}/ResourceTypes/{type.Name}";
}
