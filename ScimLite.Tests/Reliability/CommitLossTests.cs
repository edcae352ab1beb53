using System.Net;
using Dapper;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Reliability;

/// <summary>
/// The connection breaks after PostgreSQL committed a create but before ScimLite heard so. The whole transaction is
/// retried; the retry must find the row it already wrote and answer 201 — not create a second resource, and not
/// answer 409 for a create that worked (an IdP would then never learn the id).
/// </summary>
public class CommitLossTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    [Theory]
    [InlineData("Users", "users", "user_name", "userName")]
    [InlineData("Groups", "groups", "display_name", "displayName")]
    public async Task Post_AnswerToCommitLost_RetryAnswers201WithTheOneStoredResource(string resource, string table, string nameColumn, string nameAttribute)
    {
        await using var proxy = new CommitCuttingProxy(App.ConnectionString);
        await using var host = App.NewHost(new Dictionary<string, string?> { ["ConnectionStrings:Scim"] = proxy.ConnectionString });
        using var client = host.CreateClient(App.Token);
        (await client.GetAsync($"/scim/v2/{resource}?count=0")).EnsureSuccessStatusCode();
        var name = $"commit-lost-{resource}@example.com";
        var schema = resource == "Users" ? UserUrn : GroupUrn;

        proxy.ArmForNextCommit();
        using var response = await client.PostScimAsync($"/scim/v2/{resource}",
            $$"""{"schemas": ["{{schema}}"], "{{nameAttribute}}": "{{name}}"}""");

        output.WriteLine($"POST {resource} with the COMMIT answer lost: {(int)response.StatusCode}; connections cut: {proxy.Cuts}");
        Assert.Equal(1, proxy.Cuts);
        await response.AssertStatusAsync(HttpStatusCode.Created);
        var id = (await response.ReadJsonAsync()).Id();
        await using var connection = await App.OpenConnectionAsync();
        var stored = (await connection.QueryAsync<Guid>($"SELECT id FROM {table} WHERE lower({nameColumn}) = lower(@name)", new { name })).ToList();
        Assert.Equal([Guid.Parse(id!)], stored);
    }
}
