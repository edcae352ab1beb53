using System.CommandLine;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using ScimLite.Doctor;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScimLite.Tests.Doctor;

/// <summary><c>ScimLite doctor</c> against the in-process test host, healthy and misconfigured in the usual ways.</summary>
public sealed class DoctorTests(ScimApp app, ITestOutputHelper log) : ScimTest(app)
{
    const string LocalBase = "http://localhost/scim/v2";

    async Task<(int Exit, string Output, RecordingHandler Handler)> RunAsync(string url, string? token = null,
        bool readOnly = false, Func<HttpRequestMessage, HttpRequestMessage>? proxy = null,
        WebApplicationFactory<Program>? server = null)
    {
        using var handler = new RecordingHandler((server ?? App.Factory).Server.CreateHandler(), proxy);
        var output = new StringWriter();
        var exit = await DoctorRun.RunAsync(new DoctorSettings(new Uri(url), token ?? App.Token, readOnly), output, handler);
        log.WriteLine(output.ToString());
        return (exit, output.ToString(), handler);
    }

    async Task<long> RowsAsync()
    {
        await using var connection = await App.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM groups) + (SELECT count(*) FROM link)", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Doctor_AgainstTestHost_PassesEveryCheck_AndLeavesNothingBehind()
    {
        var (exit, output, handler) = await RunAsync(LocalBase);

        Assert.True(exit == 0, output);
        Assert.DoesNotContain("✘", output);
        Assert.Contains("⚠ plain HTTP to a loopback address", output);
        Assert.Contains("Okta lifecycle", output);
        Assert.Contains("Entra lifecycle", output);
        Assert.Contains($"✔ Location headers, meta.location and $ref start with {LocalBase}", output);
        // The lifecycles really wrote: every method Okta and Entra use was sent.
        Assert.Superset(new HashSet<string> { "GET", "POST", "PUT", "PATCH", "DELETE" }, handler.Methods.ToHashSet());
        Assert.Equal(0, await RowsAsync());
    }

    [Fact]
    public async Task Doctor_ReadOnly_SendsOnlyGets_AndWritesNothing()
    {
        var (exit, output, handler) = await RunAsync(LocalBase, readOnly: true);

        Assert.True(exit == 0, output);
        Assert.DoesNotContain("✘", output);
        Assert.NotEmpty(handler.Methods);
        Assert.All(handler.Methods, method => Assert.Equal("GET", method));
        Assert.Equal(0, await RowsAsync());
    }

    [Theory]
    [InlineData("http://localhost/scim/v3", "wrong base path: ScimLite answers at http://localhost/scim/v2")]
    [InlineData("http://localhost", "/scim/v2 is missing")]
    [InlineData("http://localhost/scim/v2/scim/v2", "/scim/v2 is doubled")]
    public async Task Doctor_WrongBasePath_NamesTheWorkingBaseUrl_AndFails(string url, string cause)
    {
        var (exit, output, handler) = await RunAsync(url);

        Assert.Equal(1, exit);
        Assert.Contains("✘ GET /ServiceProviderConfig", output);
        Assert.Contains(cause, output);
        Assert.Contains("ScimLite answers at http://localhost/scim/v2; use that as the base URL", output);
        Assert.DoesNotContain("POST", handler.Methods);
    }

    [Fact]
    public async Task Doctor_WrongToken_NamesTheToken_AndWritesNothing()
    {
        var (exit, output, handler) = await RunAsync(LocalBase, token: "not-the-token");

        Assert.Equal(1, exit);
        Assert.Contains("✘ GET /Users with the given token", output);
        Assert.Contains("the token is not accepted", output);
        Assert.All(handler.Methods, method => Assert.Equal("GET", method));
        Assert.Equal(0, await RowsAsync());
    }

    [Fact]
    public async Task Doctor_ProxyStrippingAuthorization_NamesTheProxy()
    {
        var (exit, output, _) = await RunAsync(LocalBase, proxy: request =>
        {
            request.Headers.Authorization = null;
            return request;
        });

        Assert.Equal(1, exit);
        Assert.Contains("strips the Authorization header", output);
    }

    [Fact]
    public async Task Doctor_ServerBuildsUrlsForAnInternalHost_NamesIt_AndStillCleansUp()
    {
        // A deployment whose public URL is set to the internal address the proxy forwards to.
        await using var misconfigured = App.NewHost(new Dictionary<string, string?> { ["Scim:PublicUrl"] = "http://10.1.2.3:8080" });
        var (exit, output, _) = await RunAsync(LocalBase, server: misconfigured);

        Assert.Equal(1, exit);
        Assert.Contains("✘ Location headers, meta.location and $ref start with", output);
        Assert.Contains("10.1.2.3:8080", output);
        Assert.Contains("Host header", output);
        Assert.Equal(0, await RowsAsync());
    }

    [Fact]
    public async Task Doctor_PlainHttpToAHostName_FailsBeforeSendingAnything()
    {
        using var handler = new RecordingHandler(App.Factory.Server.CreateHandler(), proxy: null);
        var output = new StringWriter();
        var root = new RootCommand { Subcommands = { DoctorCommand.Create(output, handler) } };

        var exit = await root.Parse(["doctor", "--url", "http://scim.example.com/scim/v2", "--token", App.Token]).InvokeAsync();

        Assert.Equal(1, exit);
        Assert.Contains("HTTP instead of HTTPS", output.ToString());
        Assert.Empty(handler.Methods);
        Assert.DoesNotContain(App.Token, output.ToString());
    }

    [Fact]
    public async Task DoctorVerb_IsPartOfTheCommandLine()
    {
        // Plain HTTP to a host name: refused before any request, so this needs no network.
        var exit = await ScimLiteCli.InvokeAsync(["doctor", "--url", "http://scim.example.com/scim/v2", "--token", "x"]);

        Assert.Equal(1, exit);
    }

    /// <summary>Stands between the doctor and the test host: records each method, and may play a misconfigured proxy.</summary>
    sealed class RecordingHandler(HttpMessageHandler server, Func<HttpRequestMessage, HttpRequestMessage>? proxy) : DelegatingHandler(server)
    {
        readonly List<string> methods = [];

        public IReadOnlyList<string> Methods
        {
            get { lock (methods) return [.. methods]; }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            lock (methods)
                methods.Add(request.Method.Method);
            return base.SendAsync(proxy?.Invoke(request) ?? request, ct);
        }
    }
}
