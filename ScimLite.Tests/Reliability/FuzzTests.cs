using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Dapper;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ScimLite.Tests.Reliability;

/// <summary>
/// Thousands of generated malformed requests (seeded, so a failure can be replayed) against every endpoint: none may
/// answer 500, every error must be a SCIM error body, and the database invariants must hold afterwards.
/// </summary>
public class FuzzTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    const int Seed = 7643;
    const int Workers = 4;
    const int RequestsPerWorker = 1300;

    /// <summary>
    /// Every answer a malformed request may get: success for the requests that happen to be valid, 304 for a GET whose
    /// If-None-Match matches, and the SCIM errors for bad syntax or values (400), credentials (401), a filter on a
    /// discovery endpoint (403), ids and paths (404), methods (405), uniqueness (409), preconditions (412), sizes (413)
    /// and media types (415), and 501 for the endpoints ScimLite does not offer (/Bulk, /Me).
    /// </summary>
    static readonly int[] Expected = [200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 412, 413, 415, 501];

    sealed record Failure(string Request, HttpStatusCode Status, string Problem);

    [Fact]
    public async Task Fuzz_MalformedRequests_NeverAnswer500_ErrorsAreScim_AndDatabaseInvariantsHold()
    {
        // Cheap password hashing keeps 5,000 requests inside a minute on two cores; the hash itself is not under test.
        await using var host = App.UnthrottledHost(new Dictionary<string, string?> { ["Scim:PasswordIterations"] = "1000" });
        using var client = host.CreateClient(token: null);
        using var seeder = host.CreateClient(App.Token);
        var userIds = new List<string>();
        for (var i = 0; i < 12; i++)
            userIds.Add((await seeder.CreateUserAsync($"seed-{i}@example.com")).Id());
        var groupIds = new List<string>();
        for (var i = 0; i < 4; i++)
            groupIds.Add((await seeder.CreateGroupAsync($"Seed group {i}", userIds.Skip(i * 3).Take(3).ToArray())).Id());

        var statuses = new ConcurrentDictionary<int, int>();
        var failures = new ConcurrentQueue<Failure>();
        var sent = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var requests = new MalformedRequests(new Random(Seed + worker), App.Token, userIds, groupIds);
            for (var i = 0; i < RequestsPerWorker; i++)
            {
                var (request, description) = requests.Next();
                Interlocked.Increment(ref sent);
                try
                {
                    using (request)
                    using (var response = await client.SendAsync(request))
                    {
                        statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                        if (await ProblemAsync(response) is { } problem)
                            failures.Enqueue(new Failure($"worker {worker} #{i}: {description}", response.StatusCode, problem));
                    }
                }
                catch (HttpRequestException ex)
                {
                    // An answer that never came (the server dropped the request) is a failure to report with the others.
                    failures.Enqueue(new Failure($"worker {worker} #{i}: {description}", 0, $"no response: {ex.Message}"));
                }
            }
        })));
        clock.Stop();

        var answered = statuses.Values.Sum();
        output.WriteLine($"{sent} requests, {answered} answered (seed {Seed}, {Workers} workers) in {clock.Elapsed.TotalSeconds:0.0} s: " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}")));
        foreach (var failure in failures.Take(25))
            output.WriteLine($"FAIL {(int)failure.Status} {failure.Problem} <- {failure.Request}");
        // Every request answered, each with one of the expected statuses (so none with a server error), and the requests
        // reach the handlers: a run where every answer is the same refusal (all 401, all 400) would prove nothing.
        var byClass = statuses.GroupBy(s => s.Key / 100).ToDictionary(g => g.Key, g => g.Sum(s => s.Value));
        Assert.Equal(sent, answered);
        var unexpected = statuses.Where(s => !Expected.Contains(s.Key)).Select(s => $"{s.Key}: {s.Value}").ToList();
        Assert.True(unexpected.Count == 0, $"unexpected statuses (status: count): {string.Join(", ", unexpected)}");
        Assert.True(byClass.GetValueOrDefault(2) > 0, "no request succeeded");
        Assert.True(statuses.Count(s => s.Key / 100 == 4) >= 3, $"fewer than 3 distinct 4xx statuses: {string.Join(", ", statuses.Keys)}");
        Assert.True(statuses.Values.Max() < sent / 2, "one status answered half of the requests or more");
        Assert.Empty(failures);
        await AssertInvariantsAsync();
    }

    /// <summary>Why an answer is wrong, or null: no 5xx (but 501 for the endpoints ScimLite does not offer), and a SCIM body on every error.</summary>
    static async Task<string?> ProblemAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status < 400)
            return null;
        var body = await response.Content.ReadAsStringAsync();
        if (status >= 500 && status != 501)
            return $"server error: {Shorten(body)}";
        return ScimAssert.ScimErrorProblem(response.StatusCode, body) is { } problem ? $"{problem}: {Shorten(body)}" : null;
    }

    static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>What the schema promises whatever the requests did.</summary>
    async Task AssertInvariantsAsync()
    {
        await using var connection = await App.OpenConnectionAsync();
        var orphanLinks = await connection.ExecuteScalarAsync<long>("""
            SELECT count(*) FROM link l
             WHERE NOT EXISTS (SELECT 1 FROM groups g WHERE g.id = l.group_id)
                OR (l.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = l.user_id))
                OR (l.member_group_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM groups g WHERE g.id = l.member_group_id))
                OR num_nonnulls(l.user_id, l.member_group_id) <> 1
            """);
        var duplicateUserNames = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM (SELECT lower(user_name) FROM users GROUP BY 1 HAVING count(*) > 1) d");
        var duplicateGroupNames = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM (SELECT lower(display_name) FROM groups GROUP BY 1 HAVING count(*) > 1) d");
        var badVersions = await connection.ExecuteScalarAsync<long>(
            "SELECT (SELECT count(*) FROM users WHERE version < 1) + (SELECT count(*) FROM groups WHERE version < 1)");
        var (users, groups, links) = await connection.QuerySingleAsync<(long, long, long)>(
            "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM groups), (SELECT count(*) FROM link)");
        output.WriteLine($"afterwards: {users} users, {groups} groups, {links} link rows; orphan links {orphanLinks}, " +
            $"duplicate userNames {duplicateUserNames}, duplicate group names {duplicateGroupNames}, versions < 1: {badVersions}");
        Assert.Equal(0, orphanLinks);
        Assert.Equal(0, duplicateUserNames);
        Assert.Equal(0, duplicateGroupNames);
        Assert.Equal(0, badVersions);
    }
}
