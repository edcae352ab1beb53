using System.Net;
using System.Text.Json;
using Dapper;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Schema;

/// <summary>Assertions on SCIM error bodies, stored rows and JSON documents, shared by the HTTP suites.</summary>
public static class ScimAssert
{
    public const string ErrorUrn = "urn:ietf:params:scim:api:messages:2.0:Error";

    /// <summary>
    /// The RFC 7644 §3.12 error body: the Error URN, <c>status</c> as a JSON string equal to the HTTP code, and
    /// <c>scimType</c> when one is expected (absent otherwise). Returns the body for further checks of <c>detail</c>.
    /// </summary>
    public static async Task<JsonElement> ErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string? scimType = null)
    {
        await response.AssertStatusAsync(status);
        Assert.Equal("application/scim+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonAsync();
        Assert.Equal(ErrorUrn, Assert.Single(body.GetProperty("schemas").EnumerateArray()).GetString());
        var code = body.GetProperty("status");
        Assert.Equal(JsonValueKind.String, code.ValueKind);
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), code.GetString());
        if (scimType is null)
            Assert.False(body.TryGetProperty("scimType", out _), $"unexpected scimType in {body}");
        else
            Assert.Equal(scimType, body.GetProperty("scimType").GetString());
        return body;
    }

    /// <summary>
    /// Every row of users, groups and link as JSON text: two equal snapshots mean a request wrote nothing
    /// (not even a version or lastModified bump).
    /// </summary>
    public static async Task<string> SnapshotAsync(this ScimApp app)
    {
        await using var connection = await app.OpenConnectionAsync();
        return await connection.QuerySingleAsync<string>("""
            SELECT json_build_object(
                'users', (SELECT coalesce(json_agg(u ORDER BY u.id), '[]') FROM users u),
                'groups', (SELECT coalesce(json_agg(g ORDER BY g.id), '[]') FROM groups g),
                'link', (SELECT coalesce(json_agg(l ORDER BY l.group_id, l.user_id, l.member_group_id), '[]') FROM link l))::text
            """);
    }

    public static async Task<long> CountAsync(this ScimApp app, string table)
    {
        // The table name comes from the test code only, never from a request.
        Assert.Contains(table, new[] { "users", "groups", "link" });
        await using var connection = await app.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}");
    }

    /// <summary>
    /// Deep JSON equality: object members in any order (case-sensitive names), arrays in order, numbers by text.
    /// The failure message shows the first differing path.
    /// </summary>
    public static void JsonEqual(JsonElement expected, JsonElement actual, string path = "$")
    {
        Assert.True(expected.ValueKind == actual.ValueKind, $"{path}: expected {expected.ValueKind} {expected}, got {actual.ValueKind} {actual}");
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var expectedNames = expected.EnumerateObject().Select(p => p.Name).Order().ToList();
                var actualNames = actual.EnumerateObject().Select(p => p.Name).Order().ToList();
                Assert.True(expectedNames.SequenceEqual(actualNames),
                    $"{path}: expected members [{string.Join(", ", expectedNames)}], got [{string.Join(", ", actualNames)}]");
                foreach (var property in expected.EnumerateObject())
                    JsonEqual(property.Value, actual.GetProperty(property.Name), $"{path}.{property.Name}");
                break;
            case JsonValueKind.Array:
                Assert.True(expected.GetArrayLength() == actual.GetArrayLength(), $"{path}: expected {expected}, got {actual}");
                for (var i = 0; i < expected.GetArrayLength(); i++)
                    JsonEqual(expected[i], actual[i], $"{path}[{i}]");
                break;
            default:
                Assert.True(expected.GetRawText() == actual.GetRawText(), $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
                break;
        }
    }

    /// <summary>A copy of a JSON object without the named top-level members.</summary>
    public static JsonElement Without(this JsonElement element, params string[] names)
    {
        var copy = new Dictionary<string, JsonElement>();
        foreach (var property in element.EnumerateObject())
        {
            if (!names.Contains(property.Name))
                copy[property.Name] = property.Value;
        }
        return JsonSerializer.SerializeToElement(copy);
    }

    /// <summary>Whether any member of an object (at any depth) is named <paramref name="name"/>, ignoring case.</summary>
    public static bool HasMemberAnywhere(JsonElement element, string name) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Any(p =>
            string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) || HasMemberAnywhere(p.Value, name)),
        JsonValueKind.Array => element.EnumerateArray().Any(e => HasMemberAnywhere(e, name)),
        _ => false,
    };
}
