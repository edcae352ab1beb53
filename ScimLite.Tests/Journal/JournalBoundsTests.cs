using System.Net;
using System.Text.Json;
using Dapper;
using ScimLite.Tests.Extensions;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Extensions.ExtensionHost;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Journal;

/// <summary>
/// Journal rows stay small: multi-valued attributes as the items added and removed, custom attributes one key each,
/// and a row over the bound (64 KB) cut and marked truncated with its original size (sql/0010_journal_bounds.sql).
/// </summary>
public class JournalBoundsTests(ScimApp app) : ScimTest(app)
{
    const int Bound = 65536;

    static string[] Keys(Entry entry) => [.. entry.Json.EnumerateObject().Select(p => p.Name).Order()];

    static string[] Strings(JsonElement list) => [.. list.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetProperty("value").GetString()!)];

    [Fact]
    public async Task MultiValuedChanges_AreJournalledAsTheItemsAddedAndRemoved()
    {
        await using var host = new ExtensionHost(App);
        var created = await (await host.Client.PostScimAsync(Urls.Users, new Dictionary<string, object>
        {
            ["schemas"] = new[] { UserUrn, Acme }, ["userName"] = "ann@example.com",
            ["emails"] = new[] { new { value = "ann@example.com", type = "work" } },
            [Acme] = new { costCode = "C-17", badges = new[] { "gold", "early" } },
        })).AssertStatusAsync(HttpStatusCode.Created);
        var id = (await created.ReadJsonAsync()).Id();
        var before = await App.LastSeqAsync();

        Assert.Equal(HttpStatusCode.OK, await host.Client.PatchAsync(Urls.User(id),
            new { op = "add", path = "emails", value = new[] { new { value = "ann@home.example", type = "home" } } },
            new { op = "remove", path = "emails[type eq \"work\"]" }));
        Assert.Equal(HttpStatusCode.OK, await host.Client.PatchAsync(Urls.User(id),
            new { op = "replace", path = $"{Acme}:badges", value = new[] { "gold", "silver" } }));

        var entries = await App.JournalAsync(before);
        Assert.Equal(2, entries.Count);
        Assert.Equal(["emails"], Keys(entries[0]));
        var emails = entries[0].Json.GetProperty("emails");
        Assert.Equal(["ann@home.example"], Strings(emails.GetProperty("added")));
        Assert.Equal(["ann@example.com"], Strings(emails.GetProperty("removed")));
        Assert.False(emails.TryGetProperty("old", out _));
        Assert.Equal([$"{Acme}:badges"], Keys(entries[1]));
        var badges = entries[1].Json.GetProperty($"{Acme}:badges");
        Assert.Equal(["silver"], Strings(badges.GetProperty("added")));
        Assert.Equal(["early"], Strings(badges.GetProperty("removed")));
    }

    [Fact]
    public async Task SmallPatchAfterAHugeMultiValuedAttribute_WritesASmallRowNamingOnlyThatKey()
    {
        // The extension document's own limit (Scim:MaxExtensionBytes) lifted: the journal's bound is what is tested.
        await using var host = new ExtensionHost(App, new Dictionary<string, string?> { ["Scim:MaxExtensionBytes"] = "0" });
        var id = await host.Client.NewUserAsync("ann@example.com");
        var before = await App.LastSeqAsync();
        // Scaled down from the hostile run (250 strings of 16,000 characters per PATCH, seven PATCHes): 3 × 8 strings.
        for (var round = 0; round < 3; round++)
        {
            var badges = Enumerable.Range(0, 8).Select(i => new string((char)('a' + round), 16_000 - i)).ToArray();
            Assert.Equal(HttpStatusCode.OK, await host.Client.PatchAsync(Urls.User(id), new { op = "add", path = $"{Acme}:badges", value = badges }));
        }
        Assert.Equal(HttpStatusCode.OK, await host.Client.PatchAsync(Urls.User(id), new { op = "replace", path = $"{Acme}:costCode", value = "C-18" }));

        var entries = await App.JournalAsync(before);
        Assert.Equal(4, entries.Count);
        Assert.All(entries.Take(3), e =>
        {
            Assert.True(e.Changes.Length <= Bound, $"{e.Changes.Length} characters");
            Assert.Equal([$"{Acme}:badges"], Keys(e).Where(k => k.StartsWith("urn:", StringComparison.Ordinal)));
            var badges = e.Json.GetProperty($"{Acme}:badges");
            // Only this PATCH's 8 strings, listed up to the bound and counted beyond it; none removed.
            Assert.Equal(8, badges.GetProperty("added").GetArrayLength() + badges.GetProperty("more_added").GetInt32());
            Assert.Equal(0, badges.GetProperty("removed").GetArrayLength());
            Assert.True(e.Json.GetProperty("truncated").GetBoolean());
            Assert.InRange(e.Json.GetProperty("original_bytes").GetInt64(), 8 * 15_993, 8 * 16_000 + 200);
        });
        var small = entries[3];
        Assert.Equal([$"{Acme}:costCode"], Keys(small));
        Assert.Equal("\"C-18\"", small.New($"{Acme}:costCode"));
        Assert.True(small.Changes.Length < 100, small.Changes);
    }

    [Fact]
    public async Task AddingManyMembersWithLongNames_WritesARowUnderTheBound_CountingTheRest()
    {
        var (ids, entry) = await App.AddSeededMembersAsync(Client, 200, new string('m', 1000));

        Assert.InRange(await OctetsAsync(entry.Seq), 20_000, Bound);
        var listed = entry.Members("added");
        Assert.InRange(listed.Length, 10, 199);
        Assert.Equal(200, listed.Length + entry.Json.GetProperty("more_added").GetInt32());
        // The leading members in the row's (id) order, each with its name.
        Assert.Equal(ids.Order().Take(listed.Length), listed);
        Assert.All(entry.Json.GetProperty("added").EnumerateArray(), m => Assert.StartsWith("mmmm", m.GetProperty("display").GetString()));
        Assert.True(entry.Json.GetProperty("truncated").GetBoolean());
        Assert.True(entry.Json.GetProperty("original_bytes").GetInt64() > 200 * 1000);
    }

    [Fact]
    public async Task ARowOverTheBound_KeepsWhatFits_AndIsMarkedTruncatedWithItsOriginalSize()
    {
        var big = new string('x', 16_000);
        var id = (await Client.PostUserAsync(new
        {
            schemas = new[] { UserUrn }, userName = "ann@example.com", title = "T" + big, nickName = "N" + big,
            displayName = "D" + big, profileUrl = "https://example.com/" + big, locale = "en-GB", userType = "U" + big,
        })).Id();

        var entry = Assert.Single(await App.JournalAsync());
        Assert.True(await OctetsAsync(entry.Seq) <= Bound);
        Assert.True(entry.Json.GetProperty("truncated").GetBoolean());
        Assert.InRange(entry.Json.GetProperty("original_bytes").GetInt64(), 5 * 16_000, 5 * 16_000 + 500);
        // Small values are kept whole; a long one keeps a prefix and says it was cut.
        Assert.Equal(("\"ann@example.com\"", "\"en-GB\""), (entry.New("user_name"), entry.New("locale")));
        var title = entry.Json.GetProperty("title");
        Assert.True(title.GetProperty("truncated").GetBoolean());
        Assert.StartsWith(title.GetProperty("new").GetString()!, "T" + big);
        Assert.InRange(title.GetProperty("new").GetString()!.Length, 1000, 16_000);
        Assert.Equal(Guid.Parse(id), entry.ResourceId);
    }

    [Fact]
    public async Task TheBound_IsTheSetting_MeasuredAsJsonText()
    {
        var id = await Client.NewUserAsync("ann@example.com");
        await using var connection = await App.OpenConnectionAsync();
        await using (var tx = await connection.BeginTransactionAsync())
        {
            // 3,000 control characters: 3 KB stored, 18 KB as JSON text (\u0001 each).
            await connection.ExecuteAsync("SET LOCAL scimlite.journal_max_bytes = '8192'", transaction: tx);
            await connection.ExecuteAsync("UPDATE users SET title = repeat(E'\\u0001', 3000) WHERE id = @id::uuid", new { id }, tx);
            await tx.CommitAsync();
        }

        var row = await connection.QuerySingleAsync<(int Bytes, long Original)>(
            "SELECT octet_length(changes::text), (changes ->> 'original_bytes')::bigint FROM journal ORDER BY seq DESC LIMIT 1");
        Assert.InRange(row.Bytes, 4000, 8192);
        Assert.Equal(3000 * 6 + """{"title": {"new": ""}}""".Length, row.Original);
    }

    async Task<int> OctetsAsync(long seq)
    {
        await using var connection = await App.OpenConnectionAsync();
        return await connection.QuerySingleAsync<int>("SELECT octet_length(changes::text) FROM journal WHERE seq = @seq", new { seq });
    }
}
