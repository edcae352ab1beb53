using System.Net;
using System.Text;
using ScimLite.Scim;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Security;

/// <summary>The request Content-Type is parsed as a media type, not searched for "json".</summary>
public class ContentTypeRuleTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("application/scim+json", true)]
    [InlineData("application/json", true)] // Okta's POST
    [InlineData("application/scim+json; charset=utf-8", true)]
    [InlineData("APPLICATION/JSON; Charset=\"UTF-8\"", true)]
    [InlineData("multipart/form-data; boundary=json", false)]
    [InlineData("text/json", false)]
    [InlineData("application/json-patch+json", false)]
    [InlineData("application/jsonx", false)]
    [InlineData("application/scim+json; charset=iso-8859-1", false)]
    [InlineData("application/json;;;", false)]
    [InlineData("json", false)]
    [InlineData("text/plain; x=application/json", false)]
    public void IsAcceptedContentType(string? contentType, bool accepted) =>
        Assert.Equal(accepted, ScimJson.IsAcceptedContentType(contentType));
}

public class ContentTypeHttpTests(ScimApp app) : ScimTest(app)
{
    [Theory]
    [InlineData("multipart/form-data; boundary=json", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/scim+json; charset=iso-8859-1", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/json; charset=utf-8", HttpStatusCode.Created)]
    public async Task Post_ContentType_IsParsedAsMediaType(string contentType, HttpStatusCode expected)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"schemas":["{{UserUrn}}"],"userName":"ct@example.com"}"""));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await Client.PostAsync(Urls.Users, content);

        await response.AssertStatusAsync(expected);
        if (expected == HttpStatusCode.UnsupportedMediaType)
            await response.AssertScimErrorAsync();
    }
}
