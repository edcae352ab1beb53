using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using ScimLite.Auth;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Security;

/// <summary>
/// Named clients managed with <c>ScimLite tokens</c> against the test database, then used over HTTP: a new token is
/// accepted, a revoked or expired one refused without a restart, a rotated one valid beside its successor during grace.
/// The hosts re-read the client table every 0.1 s, so "within the refresh interval" is a short poll.
/// </summary>
public class ClientTokenTests(ScimApp app) : ScimTest(app)
{
    static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    WebApplicationFactory<Program> FastHost(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Scim:TokenRefreshSeconds"] = "0.1" };
        foreach (var (key, value) in more ?? [])
            settings[key] = value;
        return App.NewHost(settings);
    }

    async Task<(int Code, string Output, string Error)> TokensAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await TokensCommand.Create(output, error).Parse([.. args, "--connection", App.ConnectionString]).InvokeAsync();
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Runs a verb that prints a secret; asserts success and returns the secret (the one 64-hex-digit line).</summary>
    async Task<string> SecretFromAsync(params string[] args)
    {
        var (code, output, error) = await TokensAsync(args);
        Assert.True(code == 0, $"tokens {string.Join(' ', args)} exited {code}: {error}");
        return Assert.Single(Regex.Matches(output, "^[0-9a-f]{64}$", RegexOptions.Multiline)).Value;
    }

    static async Task<HttpStatusCode> StatusAsync(WebApplicationFactory<Program> host, string token)
    {
        using var client = host.CreateClient(token);
        using var response = await client.GetAsync($"{Urls.Users}?count=1");
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            await response.AssertScimErrorAsync();
        return response.StatusCode;
    }

    /// <summary>Polls until the token gets <paramref name="expected"/>; returns how long that took.</summary>
    static async Task<TimeSpan> EventuallyAsync(WebApplicationFactory<Program> host, string token, HttpStatusCode expected)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode last;
        while ((last = await StatusAsync(host, token)) != expected)
        {
            Assert.True(clock.Elapsed < Patience, $"still {(int)last} after {Patience.TotalSeconds} s, expected {(int)expected}");
            await Task.Delay(50);
        }
        return clock.Elapsed;
    }

    [Fact]
    public async Task Add_PrintsTokenOnce_AcceptedOverHttp_AndOnlyItsDigestIsStored()
    {
        await using var host = FastHost();
        var token = await SecretFromAsync("add", "okta-prod");

        await EventuallyAsync(host, token, HttpStatusCode.OK);

        await using var connection = await App.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT token_digest, row_to_json(c)::text FROM clients c WHERE name = 'okta-prod'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(token)), (byte[])reader[0]);
        Assert.DoesNotContain(token, reader.GetString(1));
    }

    [Fact]
    public async Task Revoke_TokenIsRefusedWithinTheRefreshInterval_WithoutRestart()
    {
        await using var host = FastHost();
        var token = await SecretFromAsync("add", "entra");
        await EventuallyAsync(host, token, HttpStatusCode.OK);

        var (code, output, _) = await TokensAsync("revoke", "entra");

        Assert.Equal(0, code);
        Assert.Contains("Revoked client entra", output);
        var took = await EventuallyAsync(host, token, HttpStatusCode.Unauthorized);
        Assert.True(took < TimeSpan.FromSeconds(5), $"refused only after {took.TotalSeconds:0.0} s");
        // The configured token is untouched.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, App.Token));
    }

    [Fact]
    public async Task Rotate_OldAndNewValidDuringGrace_RotatingAgainWithNoGraceEndsBoth()
    {
        await using var host = FastHost();
        var first = await SecretFromAsync("add", "okta-prod");
        await EventuallyAsync(host, first, HttpStatusCode.OK);

        var second = await SecretFromAsync("rotate", "okta-prod", "--grace", "1h");

        await EventuallyAsync(host, second, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, first));

        var third = await SecretFromAsync("rotate", "okta-prod", "--grace", "0s");

        await EventuallyAsync(host, third, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, first));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, second));
    }

    [Fact]
    public async Task ExpiredToken_IsRefused_WithTheSame401()
    {
        await using var host = FastHost();
        var token = await SecretFromAsync("add", "okta-prod", "--expires", "90d");
        await EventuallyAsync(host, token, HttpStatusCode.OK);

        await using (var connection = await App.OpenConnectionAsync())
        await using (var expire = new NpgsqlCommand("UPDATE clients SET expires = now() - interval '1 minute'", connection))
            await expire.ExecuteNonQueryAsync();

        await EventuallyAsync(host, token, HttpStatusCode.Unauthorized);
        var (_, list, _) = await TokensAsync("list");
        Assert.Matches(@"okta-prod\s+table\s+.*expired", list);
    }

    [Fact]
    public async Task List_ShowsTableAndConfiguredClients_AndLastUseOnceSeen()
    {
        await using var host = FastHost();
        await SecretFromAsync("add", "idle");
        var token = await SecretFromAsync("add", "busy");
        await EventuallyAsync(host, token, HttpStatusCode.OK);

        var clock = Stopwatch.StartNew();
        string list;
        // last_used is written by the server in the background, within a refresh interval of the first use.
        while (!Regex.IsMatch(list = (await TokensAsync("list")).Output, @"busy\s+table\s+\S+\s+\d+s ago"))
        {
            Assert.True(clock.Elapsed < Patience, $"busy never shown as used:\n{list}");
            await Task.Delay(100);
        }
        Assert.Matches(@"idle\s+table\s+\S+\s+never\s+never\s+active", list);
        Assert.DoesNotContain(token, list);
        Assert.DoesNotContain(App.Token, list);
    }

    [Theory]
    [InlineData("add", "bad name")]
    [InlineData("add", "-leading-dash")]
    [InlineData("revoke", "nobody")]
    [InlineData("rotate", "nobody")]
    public async Task Mistakes_ExitNonZero_WithAMessage(string verb, string name)
    {
        var (code, output, error) = await TokensAsync(verb, name);

        Assert.NotEqual(0, code);
        Assert.NotEmpty(error);
        Assert.DoesNotMatch("^[0-9a-f]{64}$", output);
    }

    [Fact]
    public async Task Add_ExistingName_IsRefused_ButARevokedNameCanBeAddedAgain()
    {
        await SecretFromAsync("add", "okta-prod");
        Assert.Equal(1, (await TokensAsync("add", "okta-prod")).Code);

        Assert.Equal(0, (await TokensAsync("revoke", "okta-prod")).Code);
        await using var host = FastHost();
        var again = await SecretFromAsync("add", "okta-prod");

        await EventuallyAsync(host, again, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Add_MistypedDuration_ExitsNonZero_AndAddsNothing()
    {
        var (code, _, error) = await TokensAsync("add", "okta-prod", "--expires", "90 days");

        // A usage error (exit 2, see ExitCodes), found before the database is opened.
        Assert.Equal(2, code);
        Assert.Contains("--expires", error);
        Assert.DoesNotContain("okta-prod", (await TokensAsync("list")).Output);
    }

    [Fact]
    public async Task ConfiguredNamedClient_TokenOrDigest_IsAccepted()
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var hashed = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await using var host = FastHost(new()
        {
            ["Scim:Clients:0:Name"] = "okta-prod", ["Scim:Clients:0:Token"] = secret,
            ["Scim:Clients:1:Name"] = "entra", ["Scim:Clients:1:Token"] = "sha256:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(hashed))),
        });

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, secret));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, hashed));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, App.Token));
    }

    [Fact]
    public async Task RateLimit_FromTheClientTable_AppliesToThatClientOnly()
    {
        await using var host = FastHost();
        var token = await SecretFromAsync("add", "slow", "--permits-per-second", "1", "--burst", "2");
        await EventuallyAsync(host, token, HttpStatusCode.OK);

        var limited = false;
        for (var i = 0; i < 30 && !limited; i++)
            limited = await StatusAsync(host, token) == HttpStatusCode.TooManyRequests;

        Assert.True(limited, "the client's own limit never applied");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, App.Token));
    }

    [Fact]
    public void TokensVerb_IsOnTheCommandLine()
    {
        var root = ScimLiteCli.Build();
        var tokens = Assert.Single(root.Subcommands, c => c.Name == "tokens");
        Assert.Equal(["add", "list", "revoke", "rotate"], tokens.Subcommands.Select(c => c.Name).Order());
    }
}
