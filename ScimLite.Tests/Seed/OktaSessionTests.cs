using System.Net;
using System.Text;
using System.Text.Json;
using Dapper;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Seed;

/// <summary>
/// The Okta session of /work/shared/seed/okta-flask-scim-blog.md, replayed with its exact request bodies: assign a
/// user, unassign it, assign the Droids group (three users), push the group, then the rows it leaves behind.
/// </summary>
public class OktaSessionTests(ScimApp app) : ScimTest(app)
{
    const string ObiWanPassword = "gl^m&qWZ";

    const string ObiWan = """
        {
            "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:User"
            ],
            "userName": "obi-wan.kenobi@iamciam.dev",
            "name": {
                "givenName": "Obi-Wan",
                "familyName": "Kenobi"
            },
            "emails": [
                {
                    "primary": true,
                    "value": "obi-wan.kenobi@iamciam.dev",
                    "type": "work"
                }
            ],
            "displayName": "Obi-Wan Kenobi",
            "locale": "en-US",
            "externalId": "00use6vjvehodmsQb4x6",
            "groups": [],
            "password": "gl^m&qWZ",
            "active": true
        }
        """;

    const string Unassign = """
        {
            "schemas": [
                "urn:ietf:params:scim:api:messages:2.0:PatchOp"
            ],
            "Operations": [
                {
                    "op": "replace",
                    "value": {
                        "active": false
                    }
                }
            ]
        }
        """;

    // The seed shows C-3PO's body; R2-D2 and BB-8 follow the same shape ("the above req/resp chain repeats").
    static string Droid(string userName, string givenName, string familyName, string externalId, string password) => $$"""
        {
            "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:User"
            ],
            "userName": "{{userName}}",
            "name": {
                "givenName": "{{givenName}}",
                "familyName": "{{familyName}}"
            },
            "emails": [
                {
                    "primary": true,
                    "value": "{{userName}}",
                    "type": "work"
                }
            ],
            "displayName": "{{givenName}} {{familyName}}",
            "locale": "en-US",
            "externalId": "{{externalId}}",
            "groups": [],
            "password": "{{password}}",
            "active": true
        }
        """;

    static readonly (string UserName, string Body)[] Droids =
    [
        ("c-3po@iamciam.dev", Droid("c-3po@iamciam.dev", "C", "3PO", "00usemeo53HWWPYy14x6", "wA&&cprB")),
        ("r2-d2@iamciam.dev", Droid("r2-d2@iamciam.dev", "R2", "D2", "00usemeo53HWWPYy14x7", "Zq!9vR2d")),
        ("bb-8@iamciam.dev", Droid("bb-8@iamciam.dev", "BB", "8", "00usemeo53HWWPYy14x8", "p0Rt&bb8")),
    ];

    static string MembersJson(string bb8, string c3po, string r2d2) => $$"""
        [
            {
                "value": "{{bb8}}",
                "display": "bb-8@iamciam.dev"
            },
            {
                "value": "{{c3po}}",
                "display": "c-3po@iamciam.dev"
            },
            {
                "value": "{{r2d2}}",
                "display": "r2-d2@iamciam.dev"
            }
        ]
        """;

    static string Lookup(string userName) =>
        $"{Urls.Users}?filter={Uri.EscapeDataString($"userName eq \"{userName}\"")}&startIndex=1&count=100";

    /// <summary>Okta's lookup, asserting it finds exactly one user; returns that user.</summary>
    async Task<JsonElement> LookupOneAsync(string userName)
    {
        var found = await Client.GetJsonAsync(Lookup(userName));
        Assert.Equal(1, found.GetProperty("totalResults").GetInt32());
        return Assert.Single(found.GetProperty("Resources").EnumerateArray());
    }

    /// <summary>Okta's create: the body typed <c>application/json</c>, not <c>application/scim+json</c>.</summary>
    static Task<HttpResponseMessage> OktaPostAsync(HttpClient client, string url, string json) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") });

    static async Task AssertEmptyListAsync(HttpResponseMessage response)
    {
        await response.AssertStatusAsync(HttpStatusCode.OK);
        var body = await response.ReadJsonAsync();
        Assert.Equal(ResourceRequests.ListResponseUrn, Assert.Single(body.GetProperty("schemas").EnumerateArray()).GetString());
        Assert.Equal(0, body.GetProperty("totalResults").GetInt32());
        Assert.Equal(0, body.GetProperty("itemsPerPage").GetInt32());
        Assert.Equal(1, body.GetProperty("startIndex").GetInt32());
        Assert.Equal(0, body.GetProperty("Resources").GetArrayLength());
    }

    /// <summary>Looks the user up, then creates it as Okta does; returns the 201 response body.</summary>
    static async Task<JsonElement> AssignAsync(HttpClient client, string userName, string body)
    {
        using (var lookup = await client.GetAsync(Lookup(userName)))
            await AssertEmptyListAsync(lookup);
        using var created = await OktaPostAsync(client, Urls.Users, body);
        await created.AssertStatusAsync(HttpStatusCode.Created);
        var user = await created.ReadJsonAsync();
        Assert.Equal(user.GetProperty("meta").GetProperty("location").GetString(), created.Headers.Location?.ToString());
        return user;
    }

    [Fact]
    public async Task Lookup_UnknownUser_ReturnsEmptyListResponse()
    {
        using var response = await Client.GetAsync(Lookup("obi-wan.kenobi@iamciam.dev"));
        await AssertEmptyListAsync(response);
    }

    [Fact]
    public async Task AssignUser_PostAsApplicationJson_Returns201WithStoredRepresentation()
    {
        var user = await AssignAsync(Client, "obi-wan.kenobi@iamciam.dev", ObiWan);

        foreach (var member in new[] { "schemas", "id", "userName", "name", "emails", "displayName", "locale", "externalId", "active", "meta" })
            Assert.True(user.TryGetProperty(member, out _), $"missing {member} in {user}");
        // A user in no group: groups is unassigned, so left out rather than [] (RFC 7643 §2.5).
        Assert.False(user.TryGetProperty("groups", out _), $"groups in {user}");
        Assert.False(ScimAssert.HasMemberAnywhere(user, "password"), $"password returned: {user}");
        Assert.Equal(ResourceRequests.UserUrn, Assert.Single(user.GetProperty("schemas").EnumerateArray()).GetString());
        Assert.True(Guid.TryParse(user.Id(), out _));
        Assert.Equal("obi-wan.kenobi@iamciam.dev", user.GetProperty("userName").GetString());
        Assert.Equal("Obi-Wan", user.GetProperty("name").GetProperty("givenName").GetString());
        Assert.Equal("Kenobi", user.GetProperty("name").GetProperty("familyName").GetString());
        var email = Assert.Single(user.GetProperty("emails").EnumerateArray());
        Assert.Equal("obi-wan.kenobi@iamciam.dev", email.GetProperty("value").GetString());
        Assert.Equal("work", email.GetProperty("type").GetString());
        Assert.True(email.GetProperty("primary").GetBoolean());
        Assert.Equal("Obi-Wan Kenobi", user.GetProperty("displayName").GetString());
        Assert.Equal("en-US", user.GetProperty("locale").GetString());
        Assert.Equal("00use6vjvehodmsQb4x6", user.GetProperty("externalId").GetString());
        Assert.True(user.GetProperty("active").GetBoolean());

        var meta = user.GetProperty("meta");
        Assert.Equal("User", meta.GetProperty("resourceType").GetString());
        Assert.True(DateTimeOffset.TryParse(meta.GetProperty("created").GetString(), out _));
        Assert.Equal(meta.GetProperty("created").GetString(), meta.GetProperty("lastModified").GetString());
        Assert.EndsWith(Urls.User(user.Id()), meta.GetProperty("location").GetString());
        Assert.Matches("^W/\"[0-9]+\"$", meta.GetProperty("version").GetString());
    }

    [Fact]
    public async Task UnassignUser_PatchActiveFalse_DeactivatesAndKeepsUserFindable()
    {
        var user = await AssignAsync(Client, "obi-wan.kenobi@iamciam.dev", ObiWan);

        using (var patch = await Client.PatchScimAsync(Urls.User(user.Id()), Unassign))
            Assert.True(patch.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"PATCH answered {(int)patch.StatusCode}");

        var fetched = await Client.GetJsonAsync(Urls.User(user.Id()));
        Assert.False(fetched.GetProperty("active").GetBoolean());
        var resource = await LookupOneAsync("obi-wan.kenobi@iamciam.dev");
        Assert.Equal(user.Id(), resource.Id());
        Assert.False(resource.GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Lookup_UpperCasedUserName_FindsTheUser()
    {
        var user = await AssignAsync(Client, "obi-wan.kenobi@iamciam.dev", ObiWan);

        var resource = await LookupOneAsync("OBI-WAN.KENOBI@IAMCIAM.DEV");

        Assert.Equal(user.Id(), resource.Id());
        Assert.Equal("obi-wan.kenobi@iamciam.dev", resource.GetProperty("userName").GetString());
    }

    [Fact]
    public async Task WholeSession_LeavesFourUsersOneGroupThreeLinks()
    {
        // Assign a user, then unassign it.
        var obiWan = await AssignAsync(Client, "obi-wan.kenobi@iamciam.dev", ObiWan);
        using (var patch = await Client.PatchScimAsync(Urls.User(obiWan.Id()), Unassign))
            Assert.True(patch.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"PATCH answered {(int)patch.StatusCode}");

        // Assign the Droids group: Okta creates its users one by one.
        var ids = new Dictionary<string, string>();
        foreach (var (userName, body) in Droids)
        {
            var droid = await AssignAsync(Client, userName, body);
            Assert.Equal(userName, droid.GetProperty("userName").GetString());
            Assert.False(ScimAssert.HasMemberAnywhere(droid, "password"));
            ids[userName] = droid.Id();
        }
        var members = MembersJson(ids["bb-8@iamciam.dev"], ids["c-3po@iamciam.dev"], ids["r2-d2@iamciam.dev"]);

        // Push the group, then its membership.
        using var pushed = await OktaPostAsync(Client, Urls.Groups, $$"""
            {
                "schemas": [
                    "urn:ietf:params:scim:schemas:core:2.0:Group"
                ],
                "displayName": "Droids",
                "members": {{members}}
            }
            """);
        await pushed.AssertStatusAsync(HttpStatusCode.Created);
        var group = await pushed.ReadJsonAsync();
        Assert.Equal(ResourceRequests.GroupUrn, Assert.Single(group.GetProperty("schemas").EnumerateArray()).GetString());
        Assert.Equal("Droids", group.GetProperty("displayName").GetString());
        Assert.Equal(ids.Values.Order().ToArray(), group.MemberIds());
        Assert.Equal("Group", group.GetProperty("meta").GetProperty("resourceType").GetString());
        Assert.Equal(group.GetProperty("meta").GetProperty("location").GetString(), pushed.Headers.Location?.ToString());

        using (var patch = await Client.PatchScimAsync(Urls.Group(group.Id()), $$"""
            {
                "schemas": [
                    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
                ],
                "Operations": [
                    {
                        "op": "add",
                        "path": "members",
                        "value": {{members}}
                    }
                ]
            }
            """))
            Assert.True(patch.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"PATCH answered {(int)patch.StatusCode}");

        var fetchedGroup = await Client.GetJsonAsync(Urls.Group(group.Id()));
        Assert.Equal(ids.Values.Order().ToArray(), fetchedGroup.MemberIds());
        var c3po = await Client.GetJsonAsync(Urls.User(ids["c-3po@iamciam.dev"]));
        Assert.Equal(group.Id(), Assert.Single(c3po.GetProperty("groups").EnumerateArray()).GetProperty("value").GetString());

        await using var connection = await App.OpenConnectionAsync();
        var users = (await connection.QueryAsync<(string UserName, bool Active, string? PasswordHash)>(
            "SELECT user_name, active, password_hash FROM users ORDER BY user_name")).ToList();
        Assert.Equal(
            ["bb-8@iamciam.dev", "c-3po@iamciam.dev", "obi-wan.kenobi@iamciam.dev", "r2-d2@iamciam.dev"],
            users.Select(u => u.UserName).ToArray());
        Assert.False(users.Single(u => u.UserName.StartsWith("obi-wan")).Active);
        Assert.All(users.Where(u => !u.UserName.StartsWith("obi-wan")), u => Assert.True(u.Active));
        Assert.All(users, u => Assert.StartsWith("pbkdf2-sha256$", u.PasswordHash));
        Assert.NotEqual(ObiWanPassword, users.Single(u => u.UserName.StartsWith("obi-wan")).PasswordHash);
        Assert.DoesNotContain(ObiWanPassword, users.Single(u => u.UserName.StartsWith("obi-wan")).PasswordHash);
        Assert.Equal("Droids", Assert.Single(await connection.QueryAsync<string>("SELECT display_name FROM groups")));
        var links = (await connection.QueryAsync<(Guid GroupId, Guid? UserId)>("SELECT group_id, user_id FROM link")).ToList();
        Assert.Equal(3, links.Count);
        Assert.All(links, l => Assert.Equal(Guid.Parse(group.Id()), l.GroupId));
        Assert.Equal(ids.Values.Select(Guid.Parse).Order().ToArray(), links.Select(l => l.UserId!.Value).Order().ToArray());
    }
}
