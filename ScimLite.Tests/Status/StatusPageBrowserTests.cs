using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using ScimLite.Auth;
using ScimLite.Safety;
using ScimLite.Status;
using ScimLite.Tests.Infrastructure;
using ScimLite.Tests.Requests;

namespace ScimLite.Tests.Status;

/// <summary>
/// The status page in Chromium, as a person sees it after a day of provisioning: the brake's state, the clients, bars
/// for each action in the hours they happened, the latest changes and failures with their detail views; no request to
/// another host, and no WCAG 2 A/AA violation axe can find, in light and dark.
/// </summary>
public class StatusPageBrowserTests(ScimApp app) : ScimTest(app)
{
    [ChromiumFact]
    public async Task SeededPage_ShowsWhatHappened_InLightAndDark_WithoutAccessibilityViolations()
    {
        var threeAgo = ActivitySeed.HourAgo(3);
        var dayAgo = ActivitySeed.HourAgo(26);
        await App.JournalAsync(threeAgo.AddMinutes(10), "created", 5);
        await App.JournalAsync(threeAgo.AddMinutes(40), "deactivated", 2);
        await App.JournalAsync(dayAgo.AddMinutes(5), "members_removed", 3, "Group");
        await App.JournalAsync(dayAgo.AddMinutes(6), "deleted", 1);
        await using var host = App.StartAdmin();
        var services = host.Services;
        await services.GetRequiredService<ActivityRollup>().RollUpAsync(CancellationToken.None);
        await services.GetRequiredService<ClientStore>().AddAsync("okta-prod", ScimClient.Digest("okta-prod-token-0123456789"),
            DateTime.UtcNow, DateTime.UtcNow.AddDays(90), null, null, CancellationToken.None);
        await ProvisionThroughTheApiAsync(host.Api);
        await services.GetRequiredService<BrakeStore>().EngageAsync("seeded for the status page test", "test", CancellationToken.None);

        await using var browser = await StatusBrowser.LaunchAsync();
        var admin = host.Metrics.BaseAddress!.ToString().TrimEnd('/');
        var requested = new List<string>();
        var page = await browser.NewPageAsync(requested);
        var response = await page.GotoAsync(admin + "/");
        Assert.Equal((int)HttpStatusCode.OK, response!.Status);

        Assert.Equal("ENGAGED", await page.Locator("#brake-state").InnerTextAsync());
        Assert.Contains("seeded for the status page test", await page.Locator("section[aria-labelledby=brake]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("reachable", await page.Locator("#database").InnerTextAsync());
        var clients = await page.Locator(".client-name").AllInnerTextsAsync();
        Assert.Contains("config-0", clients);
        Assert.Contains("okta-prod", clients);
        // A name from the identity provider is shown as text, never run as markup.
        Assert.Contains("<b>alice</b>@example.com", await page.Locator("section[aria-labelledby=journal]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("section[aria-labelledby=journal] b").CountAsync());

        // Every bar is the journal's count for its hour and action, and the seeded hours are where they were seeded.
        var journal = (await App.JournalByHourAsync()).GroupBy(j => (j.Key.Hour, Series: ChartSeries(j.Key.Action)))
            .ToDictionary(g => g.Key, g => g.Sum(j => j.Value));
        Assert.Equal(journal.Count, await page.Locator("g.hour rect[data-action]").CountAsync());
        foreach (var ((hour, series), count) in journal)
            Assert.Equal(count.ToString(CultureInfo.InvariantCulture), await Bar(page, hour, series).GetAttributeAsync("data-count"));
        Assert.Equal("5", await Bar(page, threeAgo, "created").GetAttributeAsync("data-count"));
        Assert.Equal("2", await Bar(page, threeAgo, "deactivated").GetAttributeAsync("data-count"));
        Assert.Equal("3", await Bar(page, dayAgo, "members_removed").GetAttributeAsync("data-count"));
        Assert.Equal("1", await Bar(page, dayAgo, "deleted").GetAttributeAsync("data-count"));
        var thisHour = ActivityQuery.HourOf(DateTime.UtcNow);
        foreach (var action in new[] { "created", "deactivated", "reactivated", "deleted", "members_added", "members_removed" })
            Assert.Equal(1, await Bar(page, thisHour, action).CountAsync());
        // Focus gives the numbers in words; the table has a row per hour with activity.
        await page.Locator($"g.hour[data-hour='{threeAgo:yyyy-MM-ddTHH:mm}Z']").FocusAsync();
        Assert.Equal($"{threeAgo:yyyy-MM-dd HH:mm} UTC: 5 created, 2 deactivated", await page.Locator("#readout").InnerTextAsync());
        Assert.Equal(journal.Keys.Select(k => k.Hour).Distinct().Count(), await page.Locator("details table tbody tr").CountAsync());

        var changes = await page.Locator("section[aria-labelledby=journal] tbody tr").CountAsync();
        Assert.Equal(StatusReader.Latest, changes);
        Assert.Equal(1, await page.Locator("section[aria-labelledby=failures] tbody tr").CountAsync());

        await StatusBrowser.AssertAccessibleAsync(page, "status page (light)");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = StatusBrowser.ScreenshotPath("status-page.png"), FullPage = true });

        // The failure's detail view: the record and its body, with the password redacted before it was ever stored.
        await page.Locator("section[aria-labelledby=failures] tbody a").First.ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/requests/\\d+$"));
        var body = await page.Locator("#body").InnerTextAsync();
        Assert.Contains("[redacted]", body, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-status-page", body, StringComparison.Ordinal);
        Assert.Contains("POST /scim/v2/Users", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await StatusBrowser.AssertAccessibleAsync(page, "failure detail");
        await page.GoBackAsync();
        await page.Locator("section[aria-labelledby=journal] tbody a").First.ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/journal/\\d+$"));
        await StatusBrowser.AssertAccessibleAsync(page, "journal detail");

        // Dark, and a phone's width: still accessible, and nothing wider than the screen but the scrollable tables.
        var dark = await browser.NewPageAsync(requested, ColorScheme.Dark);
        await dark.GotoAsync(admin + "/");
        await StatusBrowser.AssertAccessibleAsync(dark, "status page (dark)");
        await dark.ScreenshotAsync(new PageScreenshotOptions { Path = StatusBrowser.ScreenshotPath("status-page-dark.png"), FullPage = true });
        var phone = await browser.NewPageAsync(requested, width: 390, height: 844);
        await phone.GotoAsync(admin + "/");
        Assert.True(await phone.EvaluateAsync<int>("document.documentElement.scrollWidth") <= 390, "the page is wider than a phone");
        await StatusBrowser.AssertAccessibleAsync(phone, "status page (phone)");
        await phone.ScreenshotAsync(new PageScreenshotOptions { Path = StatusBrowser.ScreenshotPath("status-page-phone.png"), FullPage = true });

        Assert.All(requested, url => Assert.StartsWith(admin + "/", url, StringComparison.Ordinal));
    }

    [ChromiumFact]
    public async Task AutoRefresh_CanBePaused()
    {
        await using var host = App.StartAdmin();
        await using var browser = await StatusBrowser.LaunchAsync();
        var page = await browser.NewPageAsync([]);
        await page.GotoAsync(host.Metrics.BaseAddress + "");
        var pause = page.GetByRole(AriaRole.Button, new() { Name = "Pause auto-refresh" });
        Assert.Equal("false", await pause.GetAttributeAsync("aria-pressed"));
        await pause.ClickAsync();
        Assert.Equal("true", await pause.GetAttributeAsync("aria-pressed"));
        await page.ReloadAsync();
        Assert.Equal("true", await page.GetByRole(AriaRole.Button, new() { Name = "Pause auto-refresh" }).GetAttributeAsync("aria-pressed"));
    }

    [ChromiumFact]
    public async Task WithAdminToken_TheBrowserSignsInThroughTheForm()
    {
        const string token = "browser-admin-token-0123456789";
        await using var host = App.StartAdmin(new Dictionary<string, string?> { ["Scim:Admin:Token"] = token });
        await using var browser = await StatusBrowser.LaunchAsync();
        var page = await browser.NewPageAsync([]);
        var first = await page.GotoAsync(host.Metrics.BaseAddress + "");
        Assert.Equal(401, first!.Status);
        await StatusBrowser.AssertAccessibleAsync(page, "login form");
        await page.GetByLabel("Admin token").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.Locator("#brake-state").WaitForAsync();
        Assert.Equal("ScimLite status", await page.TitleAsync());
    }

    static ILocator Bar(IPage page, DateTime hour, string action) =>
        page.Locator($"g.hour[data-hour='{hour:yyyy-MM-ddTHH:mm}Z'] rect[data-action='{action}']");

    /// <summary>The chart's series of a journal action: the six it names, and "other" for the rest.</summary>
    static string ChartSeries(string action) =>
        ScimLite.Status.Page.ActivityChart.Series.Any(s => s.Action == action) ? action : "other";

    /// <summary>
    /// One of each change through the API in the current hour, 50+ journal rows in all, and one failed request whose
    /// body carries a password.
    /// </summary>
    async Task ProvisionThroughTheApiAsync(HttpClient api)
    {
        var users = new List<string>();
        for (var i = 0; i < 45; i++)
            users.Add((await api.CreateUserAsync($"person{i:00}@example.com")).GetProperty("id").GetString()!);
        using (var deactivate = await api.PatchScimAsync(Urls.User(users[0]), HttpExtensions.PatchOp(new { op = "replace", value = new { active = false } })))
            await deactivate.AssertStatusAsync(HttpStatusCode.OK);
        using (var reactivate = await api.PatchScimAsync(Urls.User(users[0]), HttpExtensions.PatchOp(new { op = "replace", path = "active", value = true })))
            await reactivate.AssertStatusAsync(HttpStatusCode.OK);
        await api.CreateUserAsync("<b>alice</b>@example.com");
        var group = (await api.CreateGroupAsync("Engineering")).GetProperty("id").GetString();
        using (var add = await api.PatchScimAsync(Urls.Group(group), HttpExtensions.PatchOp(new { op = "add", path = "members", value = new[] { new { value = users[1] } } })))
            await add.AssertStatusAsync(HttpStatusCode.NoContent);
        using (var remove = await api.PatchScimAsync(Urls.Group(group), HttpExtensions.PatchOp(new { op = "remove", path = $"members[value eq \"{users[1]}\"]" })))
            await remove.AssertStatusAsync(HttpStatusCode.NoContent);
        using (var deleted = await api.DeleteAsync(Urls.User(users[2])))
            await deleted.AssertStatusAsync(HttpStatusCode.NoContent);
        using (var bad = await api.PostScimAsync(Urls.Users, new
        {
            schemas = new[] { "urn:ietf:params:scim:schemas:core:2.0:User" }, displayName = "status-page-failure", password = "hunter2-status-page",
        }))
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        // The request log is written after the response, by a background writer.
        await App.WaitForRowsAsync("status-page-failure");
    }
}
