using System.Net;
using System.Net.Http.Headers;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.HttpExtensions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Requests;

/// <summary>
/// Failed requests land in request_log, through HTTP against PostgreSQL: what was sent (body redacted), what was
/// answered, and nothing secret.
/// </summary>
public sealed class RequestLogTests(ScimApp app) : ScimTest(app)
{
    WebApplicationFactory<Program> host = null!;
    HttpClient client = null!;
    readonly string marker = Guid.NewGuid().ToString("N")[..12];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        host = App.RequestLogHost();
        client = host.CreateClient(App.Token);
    }

    public override async Task DisposeAsync()
    {
        client.Dispose();
        await host.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task MalformedFilter_IsRecordedWithItsQueryAndAnswer()
    {
        using var response = await client.GetAsync($"{Urls.Users}?filter=userName%20eq%20%22{marker}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        var row = Assert.Single(await App.WaitForRowsAsync(marker));

        await row.AssertRecordsAnswerAsync(response);
        Assert.Equal("invalidFilter", row.ScimType);
        Assert.Equal(("GET", Urls.Users, "config-0"), (row.Method, row.Path, row.Client));
        Assert.Contains(marker, row.Query);
        Assert.Null(row.Body);
    }

    [Fact]
    public async Task DuplicatePost_TheConflictIsRecordedWithItsBody_TheCreateIsNot()
    {
        var user = new { schemas = new[] { UserUrn }, userName = $"{marker}@example.com" };
        using (var first = await client.PostScimAsync(Urls.Users, user))
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var second = await client.PostScimAsync(Urls.Users, user);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);

        var row = Assert.Single(await App.WaitForRowsAsync(marker));

        await row.AssertRecordsAnswerAsync(second);
        Assert.Equal("uniqueness", row.ScimType);
        Assert.Equal(("POST", Urls.Users), (row.Method, row.Path));
        Assert.Contains($"\"userName\":\"{marker}@example.com\"", row.Body);
        Assert.StartsWith(ScimMediaType, row.ContentType);
    }

    [Fact]
    public async Task PatchWithAnUnknownPath_IsRecorded_ThePasswordsItCarriesAreRedacted()
    {
        var id = (await client.CreateUserAsync($"{marker}@example.com")).Id();
        var patch = PatchOp(
            new { op = "replace", path = "password", value = $"pw1-{marker}" },
            new { op = "replace", value = new { password = $"pw2-{marker}" } },
            new { op = "replace", path = $"nosuch{marker}", value = "x" });
        using var request = new HttpRequestMessage(HttpMethod.Patch, Urls.User(id)) { Content = ScimContent(patch) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
        request.Headers.UserAgent.ParseAdd("Okta-SCIM-Test/1.0");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        var row = Assert.Single(await App.WaitForRowsAsync(marker));

        await row.AssertRecordsAnswerAsync(response);
        Assert.Equal(("PATCH", Urls.User(id)), (row.Method, row.Path));
        Assert.Equal(("W/\"1\"", "Okta-SCIM-Test/1.0"), (row.IfMatch, row.UserAgent));
        Assert.DoesNotContain("pw1-", row.Body);
        Assert.DoesNotContain("pw2-", row.Body);
        Assert.Contains("""{"op":"replace","path":"password","value":"[redacted]"}""", row.Body);
        Assert.Contains("""{"op":"replace","value":{"password":"[redacted]"}}""", row.Body);
        Assert.Equal(patch.Length, row.BodyBytes);
    }

    [Fact]
    public async Task PostWithABadType_IsRecorded_NoColumnHoldsThePasswordOrAToken()
    {
        var password = $"S3cret-{marker}";
        var body = $$"""{"schemas":["{{UserUrn}}"],"userName":"{{marker}}@example.com","active":"maybe","password":"{{password}}","x-api-token":"t-{{marker}}"}""";
        using var response = await client.PostScimAsync(Urls.Users, body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var guessed = $"guess{marker}";
        using (var anonymous = host.CreateClient(guessed))
        using (var refused = await anonymous.GetAsync($"{Urls.Users}?filter=userName%20eq%20%22{marker}%22"))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var rows = await App.WaitForRowsAsync(marker, 2);

        await rows[0].AssertRecordsAnswerAsync(response);
        Assert.Contains("\"password\":\"[redacted]\"", rows[0].Body);
        Assert.Contains("\"x-api-token\":\"[redacted]\"", rows[0].Body);
        Assert.Contains("\"active\":\"maybe\"", rows[0].Body);
        Assert.Equal((401, null), (rows[1].Status, rows[1].Client));
        await using var connection = await App.OpenConnectionAsync();
        var everything = string.Join('\n', await connection.QueryAsync<string>("SELECT r::text FROM request_log AS r"));
        Assert.Contains(marker, everything);
        Assert.DoesNotContain(password, everything);
        Assert.DoesNotContain($"t-{marker}", everything);
        Assert.DoesNotContain(guessed, everything);
        Assert.DoesNotContain(App.Token, everything);
    }

    [Fact]
    public async Task BodyThatIsNotJson_KeepsOnlyItsSize()
    {
        var text = $"userName={marker}&password=hunter2";
        using var response = await client.PostScimAsync($"{Urls.Users}?m={marker}", text);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        var row = Assert.Single(await App.WaitForRowsAsync(marker));

        Assert.Equal((text.Length, $"[not JSON, {text.Length} bytes]"), (row.BodyBytes, row.Body));
    }
}
