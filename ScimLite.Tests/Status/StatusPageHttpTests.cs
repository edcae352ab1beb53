using System.Net;
using System.Net.Http.Headers;
using ScimLite.Tests.Infrastructure;
using ScimLite.Tests.Webhooks;

namespace ScimLite.Tests.Status;

/// <summary>
/// The status page over plain HTTP: only the admin listener serves it, it is read-only, and with
/// <c>Scim:Admin:Token</c> set it needs the token (bearer, or the login form's cookie).
/// </summary>
public class StatusPageHttpTests(ScimApp app) : ScimTest(app)
{
    static readonly string[] PagePaths = ["/", "/journal/1", "/requests/1", "/login"];

    [Fact]
    public async Task ScimPort_AnswersNotFound_ForThePagePaths()
    {
        await using var host = App.StartAdmin();
        foreach (var path in PagePaths)
        {
            using var response = await host.Api.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} on the SCIM port: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task AdminPort_ServesThePageAndMetrics_UnderTheNewSettingName()
    {
        await using var host = App.StartAdmin();
        using var page = await host.Metrics.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.StartsWith("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<h1>ScimLite status</h1>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"database\">reachable<", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"warn\"", html, StringComparison.Ordinal); // loopback: no exposure warning
        using (var metrics = await host.Metrics.GetAsync("/metrics"))
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        using (var other = await host.Metrics.GetAsync("/scim/v2/Users"))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        using (var missing = await host.Metrics.GetAsync("/journal/999999"))
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Page_ShowsEachWebhookEndpoint_ItsPositionAndItsLastError()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Status = 500;
        var settings = WebhookKit.FastDelivery().Endpoint(0, "app-hook", receiver);
        await using var host = App.StartAdmin(settings);
        await App.WaitForPositionAsync("app-hook");
        using (var created = await host.Api.PostAsync("/scim/v2/Users", HttpExtensions.ScimContent(new { schemas = new[] { "urn:ietf:params:scim:schemas:core:2.0:User" }, userName = "hooked@example.com" })))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await receiver.WaitForAsync(d => d.Count > 0, "a first, refused delivery");

        var html = "";
        for (var attempt = 0; attempt < 50 && !html.Contains("HTTP 500", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
            html = await host.Metrics.GetStringAsync("/");
        }
        Assert.Contains("<h2 id=\"webhooks\">Webhooks</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<td>app-hook</td>", html, StringComparison.Ordinal);
        Assert.Contains("HTTP 500", html, StringComparison.Ordinal);
        Assert.Contains("1 events", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_IsReadOnly_AnotherMethodIs405()
    {
        await using var host = App.StartAdmin();
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete })
        {
            using var response = await host.Metrics.SendAsync(new HttpRequestMessage(method, "/"));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Equal("GET, HEAD", string.Join(", ", response.Content.Headers.Allow));
        }
    }

    [Fact]
    public async Task Unprotected_OnANonLoopbackAddress_SaysSoOnThePage()
    {
        await using var host = App.StartAdmin(urlHost: "0.0.0.0");
        var html = await host.Metrics.GetStringAsync("/");
        Assert.Contains("class=\"warn\"", html, StringComparison.Ordinal);
        Assert.Contains("Scim:Admin:Token is not set", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAdminToken_PageNeedsIt_AsBearerOrThroughTheLoginForm()
    {
        const string token = "status-page-admin-token-0123456789";
        await using var host = App.StartAdmin(new Dictionary<string, string?> { ["Scim:Admin:Token"] = token }, urlHost: "0.0.0.0");
        var admin = host.Metrics.BaseAddress!;

        using (var anonymous = await host.Metrics.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            var form = await anonymous.Content.ReadAsStringAsync();
            Assert.Contains("<form method=\"post\" action=\"/login\">", form, StringComparison.Ordinal);
            Assert.DoesNotContain("Latest changes", form, StringComparison.Ordinal);
        }
        foreach (var path in new[] { "/journal/1", "/requests/1" })
        {
            using var detail = await host.Metrics.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, detail.StatusCode);
        }

        using (var bearer = new HttpClient { BaseAddress = admin })
        {
            bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var page = await bearer.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.DoesNotContain(token, html, StringComparison.Ordinal);
            Assert.DoesNotContain("class=\"warn\"", html, StringComparison.Ordinal); // protected: no exposure warning
            bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token + "x");
            using var wrong = await bearer.GetAsync("/");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = admin };
        using (var refused = await browser.PostAsync("/login", new FormUrlEncodedContent([new("token", "not-it")])))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.False(refused.Headers.Contains("Set-Cookie"));
        }
        using (var login = await browser.PostAsync("/login", new FormUrlEncodedContent([new("token", token)])))
        {
            Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
            Assert.Equal("/", login.Headers.Location?.OriginalString);
            var setCookie = login.Headers.GetValues("Set-Cookie").Single();
            Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(token, setCookie, StringComparison.Ordinal);
        }
        using (var page = await browser.GetAsync("/"))
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // A forged cookie (another expiry with the old signature) is refused.
        var cookie = cookies.GetCookies(admin)["scimlite_admin"]!;
        var dot = cookie.Value.IndexOf('.', StringComparison.Ordinal);
        cookie.Value = "9999999999" + cookie.Value[dot..];
        using (var forged = await browser.GetAsync("/"))
            Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }
}
