using System.Net;
using System.Text;
using System.Text.Json;

namespace ScimLite.Tests.Infrastructure;

/// <summary>Sending and reading <c>application/scim+json</c> the way identity providers do.</summary>
public static class HttpExtensions
{
    public const string ScimMediaType = "application/scim+json";
    public const string PatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    /// <summary>POST a body: a string is sent as-is (raw IdP payloads), anything else is serialised.</summary>
    public static Task<HttpResponseMessage> PostScimAsync(this HttpClient client, string url, object body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = ScimContent(body) });

    public static Task<HttpResponseMessage> PutScimAsync(this HttpClient client, string url, object body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Put, url) { Content = ScimContent(body) });

    public static Task<HttpResponseMessage> PatchScimAsync(this HttpClient client, string url, object body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, url) { Content = ScimContent(body) });

    /// <summary>
    /// A PatchOp message around its operations: an object is serialised
    /// (<c>PatchOp(new { op = "add", path = "members", value = ... })</c>), a string is raw JSON sent exactly as an
    /// identity provider wrote it (<c>PatchOp("""{"op":"Replace","path":"active","value":"False"}""")</c>).
    /// </summary>
    public static string PatchOp(params object[] operations) =>
        $$"""{"schemas":["{{PatchOpSchema}}"],"Operations":[{{string.Join(",", operations.Select(o => o as string ?? JsonSerializer.Serialize(o)))}}]}""";

    public static StringContent ScimContent(object body) =>
        new(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, ScimMediaType);

    /// <summary>The response body as JSON; fails with the raw body when it is not JSON.</summary>
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} body is not JSON ({ex.Message}): {text}");
        }
    }

    /// <summary>Asserts the status code and shows the body when it differs, which is where SCIM puts the reason.</summary>
    public static async Task<HttpResponseMessage> AssertStatusAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
            throw new Xunit.Sdk.XunitException(
                $"Expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }
}
