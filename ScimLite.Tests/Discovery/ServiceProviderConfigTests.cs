using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ScimLite.Scim;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Discovery;

/// <summary>Discovery reads no rows, so these classes do not reset the database.</summary>
[Collection("scim")]
public sealed class ServiceProviderConfigTests(ScimApp app)
{
    const string SpcUrn = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";

    ScimOptions Options => app.Factory.Services.GetRequiredService<IOptions<ScimOptions>>().Value;

    static Task<JsonElement> GetSpcAsync(HttpClient client) => client.GetScimJsonAsync("/scim/v2/ServiceProviderConfig");

    [Fact]
    public async Task ServiceProviderConfig_AdvertisesFeaturesAndConfiguredLimits()
    {
        using var client = app.CreateClient();
        var spc = await GetSpcAsync(client);

        Assert.Equal(SpcUrn, Assert.Single(spc.GetProperty("schemas").EnumerateArray()).GetString());
        Assert.False(spc.TryGetProperty("documentationUri", out _));
        Assert.True(spc.GetProperty("patch").GetProperty("supported").GetBoolean());
        var bulk = spc.GetProperty("bulk");
        Assert.False(bulk.GetProperty("supported").GetBoolean());
        Assert.Equal(0, bulk.GetProperty("maxOperations").GetInt32());
        Assert.Equal(0, bulk.GetProperty("maxPayloadSize").GetInt32());
        var filter = spc.GetProperty("filter");
        Assert.True(filter.GetProperty("supported").GetBoolean());
        Assert.Equal(1000, Options.MaxResults); // the fixture keeps the default
        Assert.Equal(Options.MaxResults, filter.GetProperty("maxResults").GetInt32());
        Assert.True(spc.GetProperty("changePassword").GetProperty("supported").GetBoolean());
        Assert.True(spc.GetProperty("sort").GetProperty("supported").GetBoolean());
        Assert.True(spc.GetProperty("etag").GetProperty("supported").GetBoolean());
        Assert.Equal("ServiceProviderConfig", spc.GetProperty("meta").GetProperty("resourceType").GetString());
        Assert.Equal(new Uri(client.BaseAddress!, "/scim/v2/ServiceProviderConfig").ToString(),
            spc.GetProperty("meta").GetProperty("location").GetString());
    }

    [Fact]
    public async Task ServiceProviderConfig_AuthenticationSchemes_NameTheBearerToken()
    {
        using var client = app.CreateClient();
        var scheme = Assert.Single((await GetSpcAsync(client)).GetProperty("authenticationSchemes").EnumerateArray());

        Assert.Equal("oauthbearertoken", scheme.GetProperty("type").GetString());
        Assert.Equal("OAuth Bearer Token", scheme.GetProperty("name").GetString());
        Assert.False(string.IsNullOrWhiteSpace(scheme.GetProperty("description").GetString()));
        Assert.True(scheme.GetProperty("primary").GetBoolean());
    }

    [Fact]
    public async Task ServiceProviderConfig_Pagination_ClaimsIndexAndCursorPaging()
    {
        // Query/PagingTests prove both methods work; here the SPC must claim exactly that.
        using var client = app.CreateClient();
        var pagination = (await GetSpcAsync(client)).GetProperty("pagination");

        Assert.True(pagination.GetProperty("index").GetBoolean());
        Assert.True(pagination.GetProperty("cursor").GetBoolean());
        Assert.Equal(3600, pagination.GetProperty("cursorTimeout").GetInt32());
        Assert.Equal("index", pagination.GetProperty("defaultPaginationMethod").GetString());
        Assert.Equal(Options.DefaultPageSize, pagination.GetProperty("defaultPageSize").GetInt32());
        Assert.Equal(Options.MaxResults, pagination.GetProperty("maxPageSize").GetInt32());
    }

    [Theory]
    [InlineData("/scim/v2/ServiceProviderConfig")]
    [InlineData("/scim/v2/ResourceTypes")]
    [InlineData("/scim/v2/ResourceTypes/User")]
    [InlineData("/scim/v2/Schemas")]
    [InlineData("/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User")]
    public async Task Discovery_WithoutCredentials_IsReadable(string url)
    {
        using var client = app.CreateAnonymousClient();
        using var response = await client.GetAsync(url);

        await response.AssertStatusAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/scim/v2/ServiceProviderConfig?filter=x")]
    [InlineData("/scim/v2/ResourceTypes?filter=name%20eq%20%22User%22")]
    [InlineData("/scim/v2/Schemas?filter=x")]
    [InlineData("/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User?filter=x")]
    public async Task Discovery_FilterParameter_Returns403(string url)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(url);

        await response.AssertScimErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Discovery_PagingAndSortingParameters_AreIgnored()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/scim/v2/Schemas?startIndex=2&count=1&sortBy=name&sortOrder=descending");

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var list = await response.ReadJsonAsync();
        Assert.Equal(3, list.GetProperty("totalResults").GetInt32());
        Assert.Equal(3, list.GetProperty("Resources").GetArrayLength());
        Assert.Equal(1, list.GetProperty("startIndex").GetInt32());
    }
}
