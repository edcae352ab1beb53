using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Dapper;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Extensions.ExtensionHost;
using static ScimLite.Tests.Infrastructure.HttpExtensions;

namespace ScimLite.Tests.Extensions;

/// <summary>Custom attributes as Okta (URN object in POST/PUT) and Entra (URN paths, dotted keys) send them.</summary>
public class CustomAttributeTests(ScimApp fixture) : ExtensionHostTests(fixture)
{
    // Okta AIW: Profile Editor attributes in the external namespace arrive as the URN object.
    static string OktaUser(string userName, string costCode, string badges) => $$"""
        {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{Acme}}"],
         "userName":"{{userName}}","name":{"givenName":"Ann","familyName":"Lee"},"active":true,
         "emails":[{"primary":true,"value":"{{userName}}","type":"work"}],
         "{{Acme}}":{"costCode":"{{costCode}}","badges":{{badges}},"level":3,"remote":true,"startDate":"2024-02-01T09:00:00Z"} }
        """;

    static JsonElement Section(JsonElement user, string urn) => user.GetProperty(urn);

    static string[] Schemas(JsonElement user) => [.. user.GetProperty("schemas").EnumerateArray().Select(s => s.GetString()!)];

    async Task<List<JsonElement>> ListAsync(string query)
    {
        var list = await Client.GetJsonAsync($"{Urls.Users}?{query}");
        return [.. list.GetProperty("Resources").EnumerateArray()];
    }

    [Fact]
    public async Task OktaPost_KeepsEveryCustomValue_OnGetAndInFilters()
    {
        var created = await (await Client.PostScimAsync(Urls.Users, OktaUser("ann@example.com", "C-17", """["gold","early"]""")))
            .AssertStatusAsync(HttpStatusCode.Created);
        var id = (await created.ReadJsonAsync()).Id();

        var user = await Client.GetJsonAsync(Urls.User(id));
        Assert.Contains(Acme, Schemas(user));
        Assert.DoesNotContain(Entra, Schemas(user));
        var acme = Section(user, Acme);
        Assert.Equal("C-17", acme.GetProperty("costCode").GetString());
        Assert.Equal(["gold", "early"], acme.GetProperty("badges").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal(3, acme.GetProperty("level").GetInt32());
        Assert.True(acme.GetProperty("remote").GetBoolean());
        Assert.Equal("2024-02-01T09:00:00Z", acme.GetProperty("startDate").GetString());

        foreach (var filter in new[]
        {
            $"{Acme}:costCode eq \"c-17\"", "costCode sw \"C-\"", $"{Acme}:badges eq \"GOLD\"", $"{Acme}:badges[value eq \"early\"]",
            $"{Acme}:level ge 3", $"{Acme}:remote eq true", $"{Acme}:startDate gt \"2024-01-01T00:00:00Z\"", $"schemas eq \"{Acme}\"",
            $"{Acme}:costCode pr",
        })
            Assert.Equal(id, Assert.Single(await ListAsync($"filter={Uri.EscapeDataString(filter)}")).Id());
        foreach (var filter in new[] { $"{Acme}:costCode eq \"C-18\"", $"{Acme}:level gt 3", $"{Acme}:badges eq \"silver\"", $"schemas eq \"{Entra}\"" })
            Assert.Empty(await ListAsync($"filter={Uri.EscapeDataString(filter)}"));
    }

    [Fact]
    public async Task OktaPut_ReplacesCustomValues_ResendingChangesNothing()
    {
        var id = (await Client.CreateAsync(Urls.Users, OktaUser("bo@example.com", "C-1", """["gold"]"""))).Id();
        var replaced = await (await Client.PutScimAsync(Urls.User(id), $$"""
            {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","{{Acme}}"],"userName":"bo@example.com","active":true,
             "{{Acme}}":{"costCode":"C-2","badges":["silver"]} }
            """)).AssertStatusAsync(HttpStatusCode.OK);
        var user = await replaced.ReadJsonAsync();
        var acme = Section(user, Acme);
        Assert.Equal("C-2", acme.GetProperty("costCode").GetString());
        Assert.Equal("silver", Assert.Single(acme.GetProperty("badges").EnumerateArray()).GetString());
        Assert.False(acme.TryGetProperty("level", out _));

        var again = await (await Client.PutScimAsync(Urls.User(id), $$"""
            {"userName":"bo@example.com","active":true,"{{Acme}}":{"badges":["silver"],"costCode":"C-2"} }
            """)).ReadJsonAsync();
        Assert.Equal(user.Version(), again.Version());

        var cleared = await (await Client.PutScimAsync(Urls.User(id), """{"userName":"bo@example.com"}""")).ReadJsonAsync();
        Assert.False(cleared.TryGetProperty(Acme, out _));
        Assert.DoesNotContain(Acme, Schemas(cleared));
    }

    [Fact]
    public async Task EntraPatch_WithPath_WithoutPath_AndRemoval()
    {
        var id = (await Client.CreateUserAsync("cy@example.com")).Id();
        // Entra's default dialect: the attribute's full URN path.
        await (await Client.PatchScimAsync(Urls.User(id), PatchOp(
            $$"""{"op":"Add","path":"{{Entra}}:employeeCategory","value":"Contractor"}"""))).AssertStatusAsync(HttpStatusCode.OK);
        // aadOptscim062020: dotted keys in a value object without path.
        var patched = await (await Client.PatchScimAsync(Urls.User(id), PatchOp(
            $$"""{"op":"replace","value":{"{{Acme}}:costCode":"C-9","{{Acme}}:level":"7","displayName":"Cy"} }"""))).ReadJsonAsync();
        Assert.Equal("Contractor", Section(patched, Entra).GetProperty("employeeCategory").GetString());
        Assert.Equal("C-9", Section(patched, Acme).GetProperty("costCode").GetString());
        Assert.Equal(7, Section(patched, Acme).GetProperty("level").GetInt32());
        Assert.Contains(Entra, Schemas(patched));

        // The same value again: no effective change, so the ETag stays.
        var same = await (await Client.PatchScimAsync(Urls.User(id), PatchOp(
            $$"""{"op":"Replace","path":"{{Entra}}:employeeCategory","value":"Contractor"}"""))).ReadJsonAsync();
        Assert.Equal(patched.Version(), same.Version());

        var removed = await (await Client.PatchScimAsync(Urls.User(id), PatchOp(
            $$"""{"op":"Remove","path":"{{Entra}}:employeeCategory"}""",
            $$"""{"op":"add","path":"{{Acme}}:badges","value":["a","b"]}""",
            $$"""{"op":"add","path":"{{Acme}}:badges","value":["b","c"]}""",
            $$"""{"op":"remove","path":"{{Acme}}:badges[value eq \"a\"]"}"""))).ReadJsonAsync();
        Assert.False(removed.TryGetProperty(Entra, out _));
        Assert.DoesNotContain(Entra, Schemas(removed));
        Assert.Equal(["b", "c"], Section(removed, Acme).GetProperty("badges").EnumerateArray().Select(b => b.GetString()));
        Assert.NotEqual(patched.Version(), removed.Version());
    }

    [Fact]
    public async Task WrongTypes_Are400InvalidValue_AndChangeNothing()
    {
        var id = (await Client.CreateAsync(Urls.Users, OktaUser("di@example.com", "C-1", "[]"))).Id();
        var before = await App.SnapshotAsync();
        await (await Client.PatchScimAsync(Urls.User(id), PatchOp(
            $$"""{"op":"replace","path":"displayName","value":"Di"}""",
            $$"""{"op":"replace","path":"{{Acme}}:level","value":"high"}"""))).AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        await (await Client.PutScimAsync(Urls.User(id), $$"""{"userName":"di@example.com","{{Acme}}":{"remote":"maybe"} }"""))
            .AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        await (await Client.PostScimAsync(Urls.Users, $$"""{"userName":"x@example.com","{{Acme}}":{"startDate":"yesterday"} }"""))
            .AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        await (await Client.PostScimAsync(Urls.Users, $$"""{"userName":"y@example.com","{{Acme}}":{"costCode":["a","b"]} }"""))
            .AssertScimErrorAsync(HttpStatusCode.BadRequest, "invalidValue");
        Assert.Equal(before, await App.SnapshotAsync());
    }

    [Fact]
    public async Task SortBy_And_Projection_WorkOnCustomAttributes()
    {
        foreach (var (name, code) in new[] { ("a@example.com", "b"), ("b@example.com", "C"), ("c@example.com", "a") })
            await Client.CreateAsync(Urls.Users, OktaUser(name, code, "[]"));
        var sorted = await ListAsync($"sortBy={Uri.EscapeDataString($"{Acme}:costCode")}&sortOrder=descending");
        Assert.Equal(["C", "b", "a"], sorted.Select(u => Section(u, Acme).GetProperty("costCode").GetString()));

        var only = await ListAsync($"attributes={Uri.EscapeDataString($"{Acme}:costCode")}");
        foreach (var user in only)
        {
            Assert.Equal(["costCode"], Section(user, Acme).EnumerateObject().Select(p => p.Name));
            Assert.False(user.TryGetProperty("userName", out _));
        }
        var without = await ListAsync($"excludedAttributes={Uri.EscapeDataString(Acme)}");
        Assert.All(without, user => Assert.False(user.TryGetProperty(Acme, out _)));
    }

    [Fact]
    public async Task Groups_KeepTheirCustomAttributes()
    {
        var group = await (await Client.PostScimAsync(Urls.Groups, $$"""{"displayName":"Ops","{{AcmeGroup}}":{"region":"EMEA"} }"""))
            .AssertStatusAsync(HttpStatusCode.Created);
        var id = (await group.ReadJsonAsync()).Id();
        var found = await Client.GetJsonAsync($"{Urls.Groups}?filter={Uri.EscapeDataString($"{AcmeGroup}:region eq \"emea\"")}");
        Assert.Equal(id, Assert.Single(found.GetProperty("Resources").EnumerateArray()).Id());
        await (await Client.PatchScimAsync(Urls.Group(id), PatchOp($$"""{"op":"remove","path":"{{AcmeGroup}}:region"}""")))
            .AssertStatusAsync(HttpStatusCode.NoContent);
        Assert.False((await Client.GetJsonAsync(Urls.Group(id))).TryGetProperty(AcmeGroup, out _));
    }

    [Fact]
    public async Task Discovery_DescribesTheDeclaredExtensions()
    {
        var schema = await Client.GetJsonAsync($"/scim/v2/Schemas/{Acme}");
        var attributes = schema.GetProperty("attributes").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!);
        Assert.Equal(["costCode", "badges", "level", "remote", "startDate", "tier"], attributes.Keys);
        Assert.Equal("integer", attributes["level"].GetProperty("type").GetString());
        Assert.Equal("dateTime", attributes["startDate"].GetProperty("type").GetString());
        Assert.True(attributes["badges"].GetProperty("multiValued").GetBoolean());
        Assert.True(attributes["tier"].GetProperty("caseExact").GetBoolean());
        Assert.Equal(["Gold", "Silver"], attributes["tier"].GetProperty("canonicalValues").EnumerateArray().Select(v => v.GetString()));

        var user = await Client.GetJsonAsync("/scim/v2/ResourceTypes/User");
        var extensions = user.GetProperty("schemaExtensions").EnumerateArray().ToList();
        Assert.Equal([ "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", Acme, Entra ],
            extensions.Select(e => e.GetProperty("schema").GetString()));
        Assert.All(extensions, e => Assert.False(e.GetProperty("required").GetBoolean()));
        var group = await Client.GetJsonAsync("/scim/v2/ResourceTypes/Group");
        Assert.Equal(AcmeGroup, Assert.Single(group.GetProperty("schemaExtensions").EnumerateArray()).GetProperty("schema").GetString());

        // The shared host declares nothing: its discovery is unchanged.
        using var plain = App.CreateClient();
        await (await plain.GetAsync($"/scim/v2/Schemas/{Acme}")).AssertScimErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UndeclaredExtension_IsIgnored_CountedAndStoredValuesOutliveTheirDeclaration()
    {
        var undeclared = $"urn:ietf:params:scim:schemas:extension:undeclared{Guid.NewGuid():N}:2.0:User";
        var counted = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ScimLite" && instrument.Name == "scimlite.extensions.ignored")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "urn" && tag.Value as string == undeclared)
                    lock (counted) counted.Add(undeclared);
        });
        listener.Start();

        var id = (await Client.CreateAsync(Urls.Users, $$"""{"userName":"ed@example.com","{{undeclared}}":{"x":"1"},"{{Acme}}":{"costCode":"K"} }""")).Id();
        await (await Client.PatchScimAsync(Urls.User(id), PatchOp($$"""{"op":"replace","path":"{{undeclared}}:x","value":"2"}""")))
            .AssertStatusAsync(HttpStatusCode.OK);
        lock (counted) Assert.Equal(2, counted.Count);

        // The shared host declares no extension: the value is not served, and not deleted by a write either.
        using var plain = App.CreateClient();
        var served = await plain.GetJsonAsync(Urls.User(id));
        Assert.False(served.TryGetProperty(Acme, out _));
        await (await plain.PutScimAsync(Urls.User(id), """{"userName":"ed@example.com","displayName":"Ed"}""")).AssertStatusAsync(HttpStatusCode.OK);
        await using var connection = await App.OpenConnectionAsync();
        Assert.Equal("K", await connection.ExecuteScalarAsync<string>(
            $"SELECT extensions -> '{Acme}' ->> 'costCode' FROM users WHERE id = @id", new { id = Guid.Parse(id) }));
        Assert.Equal("K", Section(await Client.GetJsonAsync(Urls.User(id)), Acme).GetProperty("costCode").GetString());
    }

    [Theory]
    [InlineData("Scim:Extensions:1:Attributes:0:Type", "strng", "Scim:Extensions:1:Attributes:0:Type 'strng' is not one of")]
    [InlineData("Scim:Extensions:1:Schema", "urn:ietf:params:scim:schemas:core:2.0:User", "Scim:Extensions:1:Schema")]
    [InlineData("Scim:Extensions:1:ResourceType", "Device", "Scim:Extensions:1:ResourceType 'Device' is not one of User, Group")]
    [InlineData("Scim:Extensions:1:Attributes:0:Name", "cost code", "Scim:Extensions:1:Attributes:0:Name 'cost code'")]
    public void BadDeclaration_StopsStartUp_NamingTheEntry(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?>(Settings) { [key] = value };
        using var bad = App.NewHost(settings);
        var error = Assert.ThrowsAny<Exception>(() => bad.CreateClient());
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
    }
}
