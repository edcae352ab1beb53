using System.Diagnostics;
using System.Net;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using ScimLite.Tests.Infrastructure;
using ScimLite.Tests.Security;
using Xunit.Abstractions;
using static ScimLite.Tests.Infrastructure.ScimHosts;

namespace ScimLite.Tests.Reliability;

/// <summary>
/// A request has a deadline that reaches PostgreSQL: a request held up past it (here by a lock another connection
/// holds) is answered 503 "took too long" with Retry-After, is not retried, and leaves no backend running its statement.
/// </summary>
public class RequestDeadlineTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    const int DeadlineSeconds = 2;

    [Fact]
    public async Task Connections_HaveJitOff_AndTheDeadlineAsStatementTimeout()
    {
        await using var host = App.NewHost(new Dictionary<string, string?> { ["Scim:RequestTimeoutSeconds"] = "7" });
        await using var connection = await host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();

        Assert.Equal("off", await connection.ExecuteScalarAsync<string>("SHOW jit"));
        Assert.Equal("7s", await connection.ExecuteScalarAsync<string>("SHOW statement_timeout"));
    }

    [Fact]
    public void RequestTimeout_DefaultsToTenSeconds() => Assert.Equal(10, new ScimLite.Scim.ScimOptions().RequestTimeoutSeconds);

    [Fact]
    public async Task Connections_KeepJitAndStatementTimeout_TheConnectionStringSets()
    {
        await using var host = App.NewHost(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scim"] = App.ConnectionString + ";Options=-c jit=on -c statement_timeout=3min",
        });
        await using var connection = await host.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();

        Assert.Equal("on", await connection.ExecuteScalarAsync<string>("SHOW jit"));
        Assert.Equal("3min", await connection.ExecuteScalarAsync<string>("SHOW statement_timeout"));
    }

    [Fact]
    public async Task Get_WhileTableIsLocked_Answers503TookTooLong_WithinDeadline_NotRetried_NoBackendLeft()
    {
        var id = (await App.CreateClient().CreateUserAsync("locked@example.com")).GetProperty("id").GetString();

        await AssertStoppedInTimeAsync(DeadlineHost, "LOCK TABLE users IN ACCESS EXCLUSIVE MODE",
            client => client.GetAsync(Urls.User(id)));
    }

    [Fact]
    public async Task Patch_WhileRowIsLocked_Answers503TookTooLong_WithinDeadline_NotRetried_NoBackendLeft()
    {
        var id = (await App.CreateClient().CreateUserAsync("rowlock@example.com")).GetProperty("id").GetString();

        await AssertStoppedInTimeAsync(DeadlineHost, $"SELECT 1 FROM users WHERE id = '{id}' FOR UPDATE",
            client => client.PatchScimAsync(Urls.User(id), HttpExtensions.PatchOp(new { op = "replace", path = "active", value = false })));

        await using var connection = await App.OpenConnectionAsync();
        Assert.True(await connection.ExecuteScalarAsync<bool>("SELECT active FROM users WHERE id = @id::uuid", new { id }));
    }

    /// <summary>Npgsql's own Command Timeout (no deadline, no statement_timeout): still "took too long", never retried.</summary>
    [Fact]
    public async Task Get_PastCommandTimeout_Answers503TookTooLong_NotRetried_NoBackendLeft()
    {
        var id = (await App.CreateClient().CreateUserAsync("slow@example.com")).GetProperty("id").GetString();

        await AssertStoppedInTimeAsync(capture => App.NewHost(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Scim"] = App.ConnectionString + $";Command Timeout=1;Application Name={HostUnderTest}",
                ["Scim:RequestTimeoutSeconds"] = "0",
            }, builder => builder.ConfigureLogging(logging => logging.AddProvider(capture).AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace))),
            "LOCK TABLE users IN ACCESS EXCLUSIVE MODE", client => client.GetAsync(Urls.User(id)));
    }

    /// <summary>
    /// The application name of the host under test's connections: only its backends are counted, since the shared host
    /// of the other suites runs background work (brake, journal, request log) that may be running at that moment.
    /// </summary>
    const string HostUnderTest = "scimlite-deadline-test";

    WebApplicationFactory<Program> DeadlineHost(CapturingLoggerProvider capture) => App.NewHost(
        new Dictionary<string, string?>
        {
            ["Scim:RequestTimeoutSeconds"] = $"{DeadlineSeconds}",
            ["ConnectionStrings:Scim"] = App.ConnectionString + $";Application Name={HostUnderTest}",
        },
        builder => builder.ConfigureLogging(logging => logging.AddProvider(capture).AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace)));

    async Task AssertStoppedInTimeAsync(Func<CapturingLoggerProvider, WebApplicationFactory<Program>> newHost, string lockSql,
        Func<HttpClient, Task<HttpResponseMessage>> send)
    {
        var capture = new CapturingLoggerProvider();
        await using var host = newHost(capture);
        using var client = host.CreateClient(App.Token);
        await using var holder = await App.OpenConnectionAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync(lockSql, transaction: transaction);

        var clock = Stopwatch.StartNew();
        using var response = await send(client);
        var elapsed = clock.Elapsed;
        output.WriteLine($"{(int)response.StatusCode} after {elapsed.TotalSeconds:0.00} s: {await response.Content.ReadAsStringAsync()}");

        await response.AssertStatusAsync(HttpStatusCode.ServiceUnavailable);
        await response.AssertScimErrorAsync();
        Assert.Contains("took too long", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.True(response.RetryAfterSeconds() > 0);
        // The budget with room for a loaded machine; before the deadline, the request waited 30 s four times.
        Assert.True(elapsed < TimeSpan.FromSeconds(DeadlineSeconds + 8), $"answered after {elapsed.TotalSeconds:0.0} s");
        var log = capture.Entries.ToList();
        Assert.DoesNotContain(log, entry => entry.Contains("retry", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(log, entry => entry.Contains("Database unavailable", StringComparison.Ordinal));
        Assert.Contains(log, entry => entry.Contains("took too long", StringComparison.Ordinal));

        // The lock is still held, so a statement that is gone was stopped, not finished.
        var left = await OtherActiveBackendsAsync(holder, transaction);
        Assert.True(left.Count == 0, $"still running: {string.Join(" | ", left)}");
        await transaction.RollbackAsync();
    }

    /// <summary>
    /// Backends of the host under test running a statement; polled briefly while the cancel lands (and while the host's
    /// request log records the 503). Only that host's: an autovacuum worker or the shared host's background work queued
    /// behind the held lock is not the request's. Each poll clears the statistics snapshot first: inside the holder's
    /// transaction, pg_stat_activity otherwise answers every poll with what it saw at the first.
    /// </summary>
    static async Task<List<string>> OtherActiveBackendsAsync(NpgsqlConnection holder, NpgsqlTransaction transaction)
    {
        const string sql = """
            SELECT wait_event_type || '/' || wait_event || ': ' || query FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'
               AND backend_type = 'client backend' AND application_name = @name
            """;
        var active = new List<string>();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            await holder.ExecuteAsync("SELECT pg_stat_clear_snapshot()", transaction: transaction);
            active = (await holder.QueryAsync<string>(sql, new { name = HostUnderTest }, transaction)).ToList();
            if (active.Count == 0)
                break;
            await Task.Delay(100);
        }
        return active;
    }
}
