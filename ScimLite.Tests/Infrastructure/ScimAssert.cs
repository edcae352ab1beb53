using System.Globalization;
using System.Net;
using System.Text.Json;
using Dapper;

namespace ScimLite.Tests.Infrastructure;

/// <summary>Assertions on SCIM error bodies, stored rows and JSON documents, shared by the HTTP suites.</summary>
public static class ScimAssert
{
    public const string ErrorUrn = "urn:ietf:params:scim:api:messages:2.0:Error";

    /// <summary>
    /// The RFC 7644 §3.12 error body: this HTTP status, <c>application/scim+json</c>, the Error URN as the only schema,
    /// <c>status</c> as a JSON string equal to the HTTP code, a <c>detail</c> string, and <c>scimType</c> when one is
    /// expected (absent otherwise). Returns the body for further checks of <c>detail</c>.
    /// </summary>
    public static async Task<JsonElement> AssertScimErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string? scimType = null)
    {
        await response.AssertStatusAsync(status);
        Assert.Equal(HttpExtensions.ScimMediaType, response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonAsync();
        Assert.Null(ScimErrorProblem(status, body.GetRawText()));
        Assert.Equal(ErrorUrn, Assert.Single(body.GetProperty("schemas").EnumerateArray()).GetString());
        Assert.Equal(JsonValueKind.String, body.GetProperty("detail").ValueKind);
        if (scimType is null)
            Assert.False(body.TryGetProperty("scimType", out _), $"unexpected scimType in {body}");
        else
            Assert.Equal(scimType, body.GetProperty("scimType").GetString());
        return body;
    }

    /// <summary>
    /// Asserts a SCIM error body for whatever status the response has, showing the body when it is not one: for tests
    /// where the status itself is asserted separately or may be one of several.
    /// </summary>
    public static async Task AssertScimErrorAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (ScimErrorProblem(response.StatusCode, body) is { } problem)
            throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} is not a SCIM error ({problem}): {body}");
    }

    /// <summary>
    /// Whether a body is a SCIM error (RFC 7644 §3.12) for this status: schemas holds the Error URN and status is the
    /// code as a string. Returns the reason when it is not (for suites that collect problems instead of failing).
    /// </summary>
    public static string? ScimErrorProblem(HttpStatusCode status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return "body is not a JSON object";
            if (!root.TryGetProperty("schemas", out var schemas) || schemas.ValueKind != JsonValueKind.Array
                || !schemas.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.String && s.GetString() == ErrorUrn))
                return "schemas lacks the Error URN";
            if (!root.TryGetProperty("status", out var code) || code.ValueKind != JsonValueKind.String)
                return "status is not a string";
            if (code.GetString() != ((int)status).ToString(CultureInfo.InvariantCulture))
                return $"status {code.GetString()} differs from HTTP {(int)status}";
            return null;
        }
        catch (JsonException ex)
        {
            return $"body is not JSON ({ex.Message})";
        }
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
