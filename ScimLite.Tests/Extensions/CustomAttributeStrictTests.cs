using System.Net;
using Dapper;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Extensions.ExtensionHost;
using static ScimLite.Tests.Infrastructure.HttpExtensions;

namespace ScimLite.Tests.Extensions;

/// <summary>
/// Nothing a request sends for a custom attribute is stored as something else or silently dropped: a value of the wrong
/// type is 400 in POST, PUT and PATCH; an extension or attribute named twice is 400; a PATCH path under a declared URN
/// that names nothing is 400; removing <c>active</c> is 400.
/// </summary>
public class CustomAttributeStrictTests(ScimApp fixture) : ExtensionHostTests(fixture)
{
    static string User(string userName, string acme) => $$"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{Acme}}"],"userName":"{{userName}}","{{Acme}}":{{acme}} }
        """;

    async Task<string> CreateAsync(string userName = "ann@example.com") =>
        (await Client.CreateAsync(Urls.Users, User(userName, """{"costCode":"C-1","badges":["gold"],"level":3}"""))).Id();

    async Task<string?> StoredAsync(string id)
    {
        await using var connection = await App.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string?>("SELECT extensions::text FROM users WHERE id = @id::uuid", new { id });
    }

    public static TheoryData<string, string> WrongTypes => new()
    {
        { "costCode", "42" },
        { "costCode", "true" },
        { "badges", """["gold", 7]""" },
        { "level", "4.2" },
        { "level", "\"abc\"" },
        { "remote", "\"yes\"" },
        { "startDate", "\"next week\"" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task Post_WrongType_Is400InvalidValue_NamingTheAttribute_NothingStored(string attribute, string value)
    {
        using var response = await Client.PostScimAsync(Urls.Users, User("ann@example.com", $$"""{"{{attribute}}":{{value}}}"""));

        var error = await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains($"{Acme}:{attribute}", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await App.CountAsync("users"));
    }

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task Put_WrongType_Is400InvalidValue_NothingChanged(string attribute, string value)
    {
        var id = await CreateAsync();
        var before = await StoredAsync(id);

        using var response = await Client.PutScimAsync(Urls.User(id), User("ann@example.com", $$"""{"{{attribute}}":{{value}}}"""));

        var error = await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Contains($"{Acme}:{attribute}", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await StoredAsync(id));
    }

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task Patch_WrongType_Is400InvalidValue_ByPathAndByValueObject(string attribute, string value)
    {
        var id = await CreateAsync();
        var before = await StoredAsync(id);

        foreach (var operation in new[]
        {
            $$"""{"op":"replace","path":"{{Acme}}:{{attribute}}","value":{{value}}}""",
            $$"""{"op":"add","value":{"{{Acme}}":{"{{attribute}}":{{value}}""" + "}}}",
            $$"""{"op":"Replace","value":{"{{Acme}}:{{attribute}}":{{value}}""" + "}}",
        })
        {
            using var response = await Client.PatchScimAsync(Urls.User(id), PatchOp(operation));
            var error = await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
            Assert.Contains($"{Acme}:{attribute}", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(before, await StoredAsync(id));
    }

    [Fact]
    public async Task EntraStringBooleans_StayAccepted_ForActiveAndCustomBooleans()
    {
        var id = await CreateAsync();

        using var response = await Client.PatchScimAsync(Urls.User(id), PatchOp(
            """{"op":"Replace","path":"active","value":"False"}""",
            $$"""{"op":"Replace","path":"{{Acme}}:remote","value":"True"}"""));

        var user = await (await response.AssertStatusAsync(HttpStatusCode.OK)).ReadJsonAsync();
        Assert.False(user.GetProperty("active").GetBoolean());
        Assert.True(user.GetProperty(Acme).GetProperty("remote").GetBoolean());
    }

    [Fact]
    public async Task Post_TheSameUrnTwiceInDifferentCase_Is400InvalidSyntax()
    {
        var body = $$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{Acme}}"],"userName":"ann@example.com",
             "{{Acme}}":{"costCode":"C-1"}, "{{Acme.ToUpperInvariant()}}":{"level":5} }
            """;

        using var response = await Client.PostScimAsync(Urls.Users, body);

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidSyntax");
        Assert.Equal(0, await App.CountAsync("users"));
    }

    [Fact]
    public async Task Put_TheSameAttributeTwiceInDifferentCase_Is400InvalidSyntax()
    {
        var id = await CreateAsync();

        using var response = await Client.PutScimAsync(Urls.User(id), User("ann@example.com", """{"level":5,"LEVEL":6}"""));

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidSyntax");
    }

    [Theory]
    [InlineData("{0}.costCode")]
    [InlineData("{0}:costCode.value")]
    [InlineData("{0}:costKode")]
    [InlineData("{0}[costCode eq \\\"x\\\"]")]
    public async Task Patch_PathUnderADeclaredUrnThatNamesNothing_Is400InvalidPath(string path)
    {
        var id = await CreateAsync();
        var before = await StoredAsync(id);

        using var response = await Client.PatchScimAsync(Urls.User(id),
            PatchOp($$"""{"op":"replace","path":"{{string.Format(path, Acme)}}","value":"C-9"}"""));

        await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidPath");
        Assert.Equal(before, await StoredAsync(id));
    }

    [Fact]
    public async Task Patch_PathUnderAnUndeclaredUrn_IsStillIgnored_AsDocumented()
    {
        var id = await CreateAsync();

        using var response = await Client.PatchScimAsync(Urls.User(id),
            PatchOp("""{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:other:2.0:User:costCode","value":"C-9"}"""));

        await response.AssertStatusAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"op":"remove","path":"active"}""")]
    [InlineData("""{"op":"replace","path":"active","value":null}""")]
    [InlineData("""{"op":"Replace","value":{"active":null}}""")]
    public async Task Patch_RemovingActive_Is400Mutability_TheUserStaysAsItWas(string operation)
    {
        var id = await CreateAsync();
        using (var deactivate = await Client.PatchScimAsync(Urls.User(id), PatchOp("""{"op":"replace","path":"active","value":false}""")))
            await deactivate.AssertStatusAsync(HttpStatusCode.OK);

        using var response = await Client.PatchScimAsync(Urls.User(id), PatchOp(operation));

        var error = await response.AssertScimErrorAsync(HttpStatusCode.BadRequest, "mutability");
        Assert.Contains("active", error.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False((await Client.GetJsonAsync(Urls.User(id))).GetProperty("active").GetBoolean());
    }
}
