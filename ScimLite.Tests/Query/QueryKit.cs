using System.Net;
using System.Text.Json;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Query;

/// <summary>Arranging rows by SQL and reading ListResponses, for the query suites.</summary>
public static class QueryKit
{
    /// <summary>GETs a list URL (the filter and other values already escaped), asserts 200 and returns the ListResponse.</summary>
    public static async Task<JsonElement> ListAsync(this HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();
        Assert.Equal(ListResponseUrn, Assert.Single(body.GetProperty("schemas").EnumerateArray()).GetString());
        return body;
    }

    /// <summary><c>GET {endpoint}?filter=...</c> with the filter URL-encoded, plus any further query string.</summary>
    public static Task<JsonElement> FilterAsync(this HttpClient client, string endpoint, string filter, string? more = null) =>
        client.ListAsync($"/scim/v2/{endpoint}?filter={Uri.EscapeDataString(filter)}{(more is null ? "" : "&" + more)}");

    public static JsonElement[] Resources(this JsonElement list) => list.GetProperty("Resources").EnumerateArray().ToArray();

    public static string[] Ids(this JsonElement list) => list.Resources().Select(r => r.Id()).ToArray();

    public static string[] UserNames(this JsonElement list) =>
        list.Resources().Select(r => r.GetProperty("userName").GetString()!).ToArray();

    public static long TotalResults(this JsonElement list) => list.GetProperty("totalResults").GetInt64();

    public static int ItemsPerPage(this JsonElement list) => list.GetProperty("itemsPerPage").GetInt32();

    /// <summary>The member names of a JSON object, sorted, to compare what a projection left in.</summary>
    public static string[] Names(this JsonElement resource) => resource.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();

    /// <summary>Asserts the ListResponse holds exactly these ids (in any order) and counts them in totalResults.</summary>
    public static void AssertIds(this JsonElement list, params string[] expected)
    {
        Assert.Equal(expected.Order().ToArray(), list.Ids().Order().ToArray());
        Assert.Equal(expected.Length, list.TotalResults());
        Assert.Equal(expected.Length, list.ItemsPerPage());
    }
}
