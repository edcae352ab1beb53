using System.Text.Json;
using Dapper;
using Npgsql;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Cli;

/// <summary>
/// The binary as an operator runs it, each verb against each way its database can be wrong: none configured,
/// refusing connections, hanging, empty; and with an option it does not know. Each ends with one line on stderr, no
/// stack trace, the documented exit code, and in time; none migrates a database or starts a server.
/// </summary>
[Collection("scim")]
public class CliProcessTests(ScimApp app)
{
    public static TheoryData<string> DatabaseVerbs => new()
    {
        "tokens list", "tokens add ci-client", "tokens revoke ci-client", "tokens rotate ci-client", "journal",
        "brake status", "brake release", "brake engage", "restore user alice@example.com", "restore group Admins",
        "migrate", "migrate --dry-run", "extensions check", "requests", "requests show 1", "requests capture okta-prod --for 30m",
    };

    static string[] Args(string verb, params string[] more) => [.. verb.Split(' '), .. more];

    static void AssertOneLineFailure(CliRun run, int exit, string expected)
    {
        Assert.True(run.Exit == exit, run.ToString());
        var lines = run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, run.ToString());
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", run.Errors);
        Assert.Equal("", run.Output);
    }

    [Theory]
    [MemberData(nameof(DatabaseVerbs))]
    public async Task NoDatabaseConfigured_Exits3_SayingWhatToSet(string verb)
    {
        var run = await CliProcess.RunAsync(Args(verb));

        AssertOneLineFailure(run, 3, "no database configured: set ConnectionStrings__Scim");
    }

    [Theory]
    [MemberData(nameof(DatabaseVerbs))]
    public async Task DatabaseRefusingConnections_Exits3_NamingHostPortAndDatabase_NotThePassword(string verb)
    {
        var port = LocalCluster.FreePort();
        var run = await CliProcess.RunAsync(Args(verb, "--connection", $"Host=127.0.0.1;Port={port};Database=scim;Username=scim;Password=hunter2-secret"));

        AssertOneLineFailure(run, 3, $"scim on 127.0.0.1:{port}");
        Assert.DoesNotContain("hunter2", run.Errors);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(15), run.ToString());
    }

    [Theory]
    [InlineData("brake status")]
    [InlineData("tokens list")]
    [InlineData("migrate")]
    public async Task DatabaseHanging_GivesUpWithin5Seconds_Exits3(string verb)
    {
        using var silent = new SilentPort();
        var run = await CliProcess.RunAsync(Args(verb, "--connection", $"Host=127.0.0.1;Port={silent.Port};Database=scim;Username=scim;Timeout=60"));

        AssertOneLineFailure(run, 3, $"cannot reach the database scim on 127.0.0.1:{silent.Port}");
        // 5 s of waiting, plus the process's own start-up on a loaded 2-core machine.
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(15), run.ToString());
    }

    [Theory]
    [MemberData(nameof(DatabaseVerbs))]
    public async Task EmptyDatabase_Exits3_AndIsLeftEmpty_ExceptByMigrate(string verb)
    {
        var database = await EmptyDatabaseAsync();
        var run = await CliProcess.RunAsync(Args(verb, "--connection", app.Postgres.ConnectionStringFor(database)));

        if (verb == "migrate")
        {
            Assert.True(run.Exit == 0, run.ToString());
            Assert.Contains("applied 0001_users_groups_link.sql", run.Output);
            Assert.True(await TablesAsync(database) > 0);
            var after = await CliProcess.RunAsync("brake", "status", "--connection", app.Postgres.ConnectionStringFor(database));
            Assert.True(after.Exit == 0, after.ToString());
            return;
        }
        if (verb == "migrate --dry-run")
        {
            Assert.True(run.Exit == 0, run.ToString());
            Assert.Contains("0001_users_groups_link.sql", run.Output);
        }
        else
        {
            AssertOneLineFailure(run, 3, $"the database {database} on 127.0.0.1");
            Assert.Contains("has no ScimLite schema. Run `ScimLite migrate`", run.Errors);
        }
        Assert.Equal(0, await TablesAsync(database));
    }

    [Fact]
    public async Task DatabaseBehind_Exits3_NamingThePendingVersions()
    {
        var database = await EmptyDatabaseAsync();
        var connection = app.Postgres.ConnectionStringFor(database);
        Assert.Equal(0, (await CliProcess.RunAsync("migrate", "--connection", connection)).Exit);
        await using (var db = new NpgsqlConnection(connection))
            await db.ExecuteAsync("DELETE FROM schemaversions WHERE scriptname LIKE '0008%'");

        var run = await CliProcess.RunAsync("journal", "--connection", connection);

        AssertOneLineFailure(run, 3, "behind this ScimLite: 1 migration(s) pending (0008_journal_cost)");
    }

    [Fact]
    public async Task AVerbsLogLine_GoesToStderr_OnOneLine_WithItsUtcTime()
    {
        var database = await EmptyDatabaseAsync();
        var connection = app.Postgres.ConnectionStringFor(database);
        Assert.Equal(0, (await CliProcess.RunAsync("migrate", "--connection", connection)).Exit);

        var run = await CliProcess.RunAsync("brake", "release", "--connection", connection);

        Assert.True(run.Exit == 0, run.ToString());
        Assert.StartsWith("The brake was not engaged", run.Output);
        var line = Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warn: ScimLite.Safety.BrakeStore\[0\] Deprovisioning brake released by ", line);
    }

    [Theory]
    [MemberData(nameof(DatabaseVerbs))]
    public async Task UnknownOption_Exits2_BeforeTouchingTheDatabase(string verb)
    {
        var run = await CliProcess.RunAsync(Args(verb, "--bogus"));

        AssertOneLineFailure(run, 2, "unknown option '--bogus'");
    }

    [Theory]
    [InlineData("tokns list", "'tokns' is not a command. Did you mean 'tokens'?")]
    [InlineData("journal --usr alice", "unknown option '--usr'. Did you mean '--user'?")]
    [InlineData("brake stauts", "Did you mean 'status'?")]
    [InlineData("brake", "say which: status, release, engage")]
    [InlineData("--ulrs http://127.0.0.1:1", "unknown option '--ulrs'. Did you mean '--urls'?")]
    [InlineData("serve extra", "unexpected argument 'extra'")]
    public async Task Typos_AreUsageErrors_WithAHint_AndStartNothing(string line, string expected)
    {
        // A database is configured: a typo must still neither migrate it nor serve.
        var database = await EmptyDatabaseAsync();
        var run = await CliProcess.RunAsync(line.Split(' '), new Dictionary<string, string> { ["ConnectionStrings__Scim"] = app.Postgres.ConnectionStringFor(database) });

        AssertOneLineFailure(run, 2, expected);
        Assert.Equal(0, await TablesAsync(database));
    }

    [Fact]
    public async Task Help_EndsWithAnExample()
    {
        var run = await CliProcess.RunAsync("journal", "--help");

        Assert.Equal(0, run.Exit);
        Assert.Contains("Example:\n  ScimLite journal --user alice@example.com --since 2h", run.Output.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("simple")]
    [InlineData("json")]
    public async Task InvalidConfiguration_AtStartUp_IsOneCriticalLine_AndExit3(string format)
    {
        var run = await CliProcess.RunAsync(["serve", "--urls", $"http://127.0.0.1:{LocalCluster.FreePort()}", "--Scim:Brake:Share=7"],
            new Dictionary<string, string> { ["ConnectionStrings__Scim"] = app.ConnectionString, ["Logging__Console__FormatterName"] = format });

        Assert.True(run.Exit == 3, run.ToString());
        var critical = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("rit")).ToList();
        var line = Assert.Single(critical);
        Assert.DoesNotContain("   at ", run.Output + run.Errors);
        if (format == "json")
        {
            var entry = JsonDocument.Parse(line).RootElement;
            Assert.Equal("Critical", entry.GetProperty("LogLevel").GetString());
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", entry.GetProperty("Timestamp").GetString());
            Assert.Contains("Scim:Brake", entry.GetProperty("Message").GetString());
        }
        else
        {
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z crit: ScimLite.Startup\[1\] ScimLite cannot start: .*Scim:Brake", line);
        }
    }

    async Task<string> EmptyDatabaseAsync()
    {
        var name = $"cli_{Guid.NewGuid():N}"[..20];
        await using var admin = new NpgsqlConnection(app.Postgres.ConnectionString);
        await admin.ExecuteAsync($"CREATE DATABASE {name}");
        return name;
    }

    async Task<long> TablesAsync(string database)
    {
        await using var db = new NpgsqlConnection(app.Postgres.ConnectionStringFor(database));
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
    }
}
