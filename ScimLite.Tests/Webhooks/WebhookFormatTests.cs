using System.Text.Json;
using Microsoft.Extensions.Configuration;
using ScimLite.Webhooks;

namespace ScimLite.Tests.Webhooks;

/// <summary>The pure parts: the endpoints' checks, the backoff and the event format.</summary>
public class WebhookFormatTests
{
    static readonly string Secret = "whsec_" + Convert.ToBase64String(new byte[32]);

    static IReadOnlyList<WebhookEndpoint> Read(params (string Key, string Value)[] settings) =>
        WebhookEndpoints.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create("Scim:Webhooks:" + s.Key, (string?)s.Value))).Build());

    static (string, string)[] Valid(int i, string name, string url = "https://app.example.com/hooks") =>
        [($"{i}:Name", name), ($"{i}:Url", url), ($"{i}:Secret", Secret)];

    [Theory]
    [InlineData("0:Name", null, "Scim:Webhooks:0: Name is missing")]
    [InlineData("0:Name", "has space", "Scim:Webhooks:0: Name 'has space' may hold only")]
    [InlineData("0:Url", null, "Scim:Webhooks:0: Url is missing")]
    [InlineData("0:Url", "app.example.com/hooks", "Scim:Webhooks:0: Url 'app.example.com/hooks' is not an absolute https:// URL")]
    [InlineData("0:Url", "ftp://app.example.com/hooks", "is not an absolute https:// URL")]
    [InlineData("0:Url", "http://app.example.com/hooks", "Scim:Webhooks:0: Url http://app.example.com is plain HTTP to a host that is not a loopback address")]
    [InlineData("0:Url", "https://user:pw@app.example.com/hooks", "must not carry a user name or password")]
    [InlineData("0:Secret", null, "Scim:Webhooks:0: Secret is missing")]
    [InlineData("0:Secret", "not-a-secret", "Scim:Webhooks:0: Secret is not a Standard Webhooks secret")]
    [InlineData("0:Secret", "whsec_c2hvcnQ=", "Secret is not a Standard Webhooks secret")]
    [InlineData("0:Secret", "whsec_!!!notbase64!!!", "Secret is not a Standard Webhooks secret")]
    [InlineData("0:Actions:0", "deactivate", "Scim:Webhooks:0:Actions:0: 'deactivate' is not a known action. Did you mean 'deactivated'?")]
    [InlineData("0:ResourceTypes:0", "Users", "Scim:Webhooks:0:ResourceTypes:0: 'Users' is not a known resource type. Did you mean 'User'?")]
    [InlineData("0:Secrets", "x", "Scim:Webhooks:0: unknown setting 'Secrets'. Did you mean 'Secret'?")]
    public void AWrongEntry_IsOneLineNamingIt_NeverTheSecret(string key, string? value, string expected)
    {
        var settings = Valid(0, "app").Where(s => s.Item1 != key).ToList();
        if (value is not null)
            settings.Add((key, value));

        var error = Assert.Throws<WebhookConfigException>(() => Read([.. settings]));

        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain(Secret[6..], error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ADuplicateName_IgnoringCase_NamesBothEntries() =>
        Assert.Equal("Scim:Webhooks:1: Name 'APP' is already used by Scim:Webhooks:0; each endpoint needs its own name (its position is kept under it).",
            Assert.Throws<WebhookConfigException>(() => Read([.. Valid(0, "app"), .. Valid(1, "APP")])).Message);

    [Fact]
    public void ValidEntries_ReadInOrder_LoopbackHttpAllowed_ListsCanonical_OneEnvironmentValueSplitsOnCommas()
    {
        var endpoints = Read([.. Valid(0, "sessions", "http://127.0.0.1:9000/hooks"), .. Valid(1, "audit", "http://localhost/x"),
            ("0:Actions:0", "Deactivated"), ("0:Actions:1", "members_removed"), ("0:ResourceTypes:0", "user"), ("1:Actions", "deleted, deactivated")]);

        Assert.Equal(["sessions", "audit"], endpoints.Select(e => e.Name));
        Assert.Equal(["deactivated", "members_removed"], endpoints[0].Actions!.Order());
        Assert.Equal(["User"], endpoints[0].ResourceTypes!);
        Assert.True(endpoints[0].Wants("deactivated", "User"));
        Assert.False(endpoints[0].Wants("deactivated", "Group"));
        Assert.False(endpoints[0].Wants("created", "User"));
        Assert.Equal(["deactivated", "deleted"], endpoints[1].Actions!.Order());
        Assert.Null(endpoints[1].ResourceTypes);
        Assert.DoesNotContain(Secret, endpoints[0].ToString());
        Assert.Empty(Read());
    }

    [Theory]
    [InlineData(1, 0.0, 500)]
    [InlineData(1, 1.0, 1000)]
    [InlineData(2, 1.0, 2000)]
    [InlineData(4, 1.0, 8000)]
    [InlineData(4, 0.5, 6000)]
    [InlineData(13, 1.0, 3_600_000)]
    [InlineData(50, 1.0, 3_600_000)]
    [InlineData(50, 0.0, 1_800_000)]
    public void Backoff_DoublesFromTheMinimum_CappedAtAnHour_WithJitterDownToHalf(int failures, double jitter, double milliseconds) =>
        Assert.Equal(milliseconds, WebhookBackoff.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), jitter).TotalMilliseconds, 3);

    [Fact]
    public void Body_IsAnArrayOfEvents_InOrder_WithStableIds()
    {
        var resource = Guid.NewGuid();
        FeedRow[] rows =
        [
            new("812", 57, new DateTime(2026, 3, 1, 9, 2, 47, DateTimeKind.Utc), "okta-prod", "User", resource, "alice@example.com",
                "deactivated", """{"active": {"old": true, "new": false}}"""),
            new("813", 55, new DateTime(2026, 3, 1, 9, 2, 48, DateTimeKind.Utc), null, "Group", resource, "Droids", "members_removed",
                """{"removed": [{"value": "x", "type": "User", "display": "alice@example.com"}]}"""),
        ];

        var events = JsonDocument.Parse(WebhookEvents.Body("sessions", rows)).RootElement.EnumerateArray().ToList();

        Assert.Equal("sessions-812-57.2", WebhookEvents.MessageId("sessions", rows));
        Assert.Equal(["sessions-812-57", "sessions-813-55"], events.Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(["user.deactivated", "group.members_removed"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("""
            {"type":"user.deactivated","id":"sessions-812-57","seq":57,"at":"2026-03-01T09:02:47Z","resource":{"type":"User","id":"RID","name":"alice@example.com"},"client":"okta-prod","changes":{"active": {"old": true, "new": false}}}
            """.Replace("RID", resource.ToString()), events[0].GetRawText());
        Assert.Equal(JsonValueKind.Null, events[1].GetProperty("client").ValueKind);
    }

    [Fact]
    public void Ping_IsAnArrayOfOnePingEvent()
    {
        var (id, body) = WebhookEvents.Ping("sessions", DateTimeOffset.FromUnixTimeMilliseconds(1_772_355_767_000));
        var ping = Assert.Single(JsonDocument.Parse(body).RootElement.EnumerateArray());
        Assert.Equal("sessions-ping-1772355767000", id);
        Assert.Equal(("ping", id), (ping.GetProperty("type").GetString(), ping.GetProperty("id").GetString()));
    }
}
