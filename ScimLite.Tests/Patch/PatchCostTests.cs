using System.Diagnostics;
using System.Net;
using ScimLite.Scim;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Infrastructure.HttpExtensions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Patch;

/// <summary>
/// What a PATCH costs: one that changes nothing is an ordinary 200, and the most steps on multi-valued attributes a
/// request may carry run well inside the request deadline and leave nothing running in PostgreSQL.
/// </summary>
public sealed class PatchCostTests(ScimApp app) : ScimTest(app)
{
    static readonly string[] JsonArrays =
        ["emails", "phoneNumbers", "ims", "photos", "addresses", "entitlements", "roles", "x509Certificates"];

    [Theory]
    [InlineData("""{"op":"add","value":{"urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:attr":"x"}}""")]
    [InlineData("""{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:attr":"x"}}""")]
    [InlineData("""{"op":"replace","value":{"meta":{"resourceType":"User"}}}""")]
    [InlineData("""{"op":"replace","value":{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}}""")]
    [InlineData("""{"op":"replace","value":{"noSuchAttribute":"x"}}""")]
    [InlineData("""{"op":"add","value":{}}""")]
    public async Task Patch_EveryOperationIgnored_Returns200WithTheUnchangedUser(string operation)
    {
        var created = await Client.CreateUserAsync("bjensen@example.com", "Babs");
        var url = Urls.User(created.Id());

        using var response = await Client.PatchScimAsync(url, PatchOp(operation));

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();
        Assert.Equal(created.Version(), response.Headers.ETag?.ToString());
        Assert.Equal(created.Version(), body.Version());
        Assert.Equal(created.LastModified(), body.LastModified());
        Assert.Equal("Babs", body.GetProperty("displayName").GetString());
        Assert.Equal(created.Version(), (await Client.GetJsonAsync(url)).Version());
    }

    [Fact]
    public async Task Patch_EveryOperationIgnored_OnAMissingUser_Returns404()
    {
        using var response = await Client.PatchScimAsync(Urls.User(Guid.NewGuid()), PatchOp("""{"op":"add","value":{}}"""));

        await response.AssertScimErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Patch_EveryOperationIgnored_WithAStaleIfMatch_Returns412()
    {
        var created = await Client.CreateUserAsync("bjensen@example.com");
        using var request = new HttpRequestMessage(HttpMethod.Patch, Urls.User(created.Id())) { Content = ScimContent(PatchOp("""{"op":"add","value":{}}""")) };
        request.Headers.TryAddWithoutValidation("If-Match", "W/\"7\"");

        using var response = await Client.SendAsync(request);

        await response.AssertScimErrorAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Patch_AtTheStepCap_OverAllEightArrays_FinishesWithinTheDefaultDeadline_AndLeavesNoBackendRunning()
    {
        // The fixture's host keeps the product's request deadline (Scim:RequestTimeoutSeconds is not set for the tests).
        var id = (await Client.CreateUserAsync("bjensen@example.com")).Id();
        var cap = ScimOptions.DefaultMaxPatchArraySteps;

        var watch = Stopwatch.StartNew();
        using var response = await Client.PatchScimAsync(Urls.User(id), PatchOp([.. AddsOverAllArrays(cap)]));
        watch.Stop();

        await response.AssertStatusAsync(HttpStatusCode.OK);
        var user = await response.ReadJsonAsync();
        Assert.Equal(cap, JsonArrays.Sum(a => user.GetProperty(a).GetArrayLength()));
        Assert.Equal("W/\"2\"", user.Version());
        Assert.Equal(0, await RunningUpdatesAsync());
        Console.WriteLine($"PATCH with {cap} adds over eight arrays: {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Patch_OneStepOverTheCap_Returns400NamingTheLimit_AndChangesNothing()
    {
        var created = await Client.CreateUserAsync("bjensen@example.com");
        var url = Urls.User(created.Id());

        using var response = await Client.PatchScimAsync(url, PatchOp([.. AddsOverAllArrays(ScimOptions.DefaultMaxPatchArraySteps + 1)]));

        var error = await response.AssertScimErrorAsync(HttpStatusCode.BadRequest);
        var detail = error.GetProperty("detail").GetString()!;
        Assert.Contains("Scim:MaxPatchArraySteps", detail);
        Assert.Contains($"{ScimOptions.DefaultMaxPatchArraySteps}", detail);
        Assert.Equal(created.Version(), (await Client.GetJsonAsync(url)).Version());
    }

    [Fact]
    public async Task Patch_StepCap_IsConfigurable()
    {
        await using var host = App.NewHost(new Dictionary<string, string?> { ["Scim:MaxPatchArraySteps"] = "3" });
        using var limited = host.CreateClient(App.Token);
        var url = Urls.User((await Client.CreateUserAsync("bjensen@example.com")).Id());

        using (var atCap = await limited.PatchScimAsync(url, PatchOp([.. AddsOverAllArrays(3)])))
            await atCap.AssertStatusAsync(HttpStatusCode.OK);
        using var over = await limited.PatchScimAsync(url, PatchOp([.. AddsOverAllArrays(4)]));
        var error = await over.AssertScimErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("at most 3 ", error.GetProperty("detail").GetString()!);
    }

    /// <summary><paramref name="count"/> add operations, one new item each, taking the eight jsonb arrays in turn.</summary>
    static IEnumerable<object> AddsOverAllArrays(int count) => Enumerable.Range(0, count).Select(i =>
    {
        var array = JsonArrays[i % JsonArrays.Length];
        // An address has no value; it is told apart by its other sub-attributes.
        var key = array == "addresses" ? "formatted" : "value";
        return (object)$$"""{"op":"add","path":"{{array}}","value":[{"{{key}}":"v{{i}}","type":"other"}]}""";
    });

    async Task<long> RunningUpdatesAsync()
    {
        await using var connection = await App.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle' AND query LIKE '%UPDATE users%'
            """;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
