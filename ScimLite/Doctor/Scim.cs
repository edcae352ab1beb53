using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using ScimLite.Scim.Schema;

namespace ScimLite.Doctor;

/// <summary>Building SCIM requests and reading SCIM answers, as small as the doctor needs.</summary>
static class Scim
{
    /// <summary><c>?filter=attribute eq "value"</c>, escaped for the query string.</summary>
    public static string Filter(string attribute, string value) =>
        "filter=" + Uri.EscapeDataString($"{attribute} eq \"{value.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"");

    public static JsonObject PatchOp(params JsonObject[] operations) => new()
    {
        ["schemas"] = new JsonArray(ScimUrns.PatchOp),
        ["Operations"] = new JsonArray(operations),
    };

    public static JsonObject Op(string op, string? path, JsonNode? value)
    {
        var operation = new JsonObject { ["op"] = op };
        if (path is not null)
            operation["path"] = path;
        if (value is not null)
            operation["value"] = value;
        return operation;
    }

    public static int? TotalResults(JsonElement list) =>
        list.TryGetProperty("totalResults", out var total) && total.ValueKind == JsonValueKind.Number ? total.GetInt32() : null;

    public static List<JsonElement> Resources(JsonElement list) => DiscoveryChecks.Resources(list);

    public static string? Text(JsonElement json, string name) => DiscoveryChecks.Text(json, name);

    public static bool? Bool(JsonElement json, string name) =>
        json.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    public static bool HasMember(JsonElement group, string id) =>
        group.TryGetProperty("members", out var members) && members.ValueKind == JsonValueKind.Array
        && members.EnumerateArray().Any(m => Text(m, "value") == id);

    public static string Random(int bytes = 5) => Convert.ToHexString(RandomNumberGenerator.GetBytes(bytes)).ToLowerInvariant();
}
