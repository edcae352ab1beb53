using System.CommandLine;
using Dapper;
using ScimLite.Safety;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Safety;

/// <summary>Runs the brake and restore verbs against the test database, and arranges users in bulk.</summary>
public static class SafetyKit
{
    public static async Task<(int Code, string Output)> VerbAsync(this ScimApp app, params string[] args)
    {
        var output = new StringWriter();
        var root = new RootCommand();
        root.Subcommands.Add(BrakeCommand.Create(output));
        root.Subcommands.Add(RestoreCommand.Create(output));
        var code = await root.Parse([.. args, "--connection", app.ConnectionString]).InvokeAsync();
        return (code, output.ToString());
    }

    /// <summary>Inserts <paramref name="count"/> active users named prefix0001…, straight into the table; returns their ids.</summary>
    public static async Task<Guid[]> SeedUsersAsync(this ScimApp app, int count, string prefix = "person")
    {
        await using var connection = await app.OpenConnectionAsync();
        return (await connection.QueryAsync<Guid>("""
            INSERT INTO users (id, user_name, created, last_modified)
            SELECT gen_random_uuid(), @prefix || lpad(n::text, 4, '0'), now(), now() FROM generate_series(1, @count) n
            RETURNING id
            """, new { count, prefix })).ToArray();
    }

    public static async Task<T> ScalarAsync<T>(this ScimApp app, string sql, object? parameters = null)
    {
        await using var connection = await app.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public static object Deactivate => HttpExtensions.PatchOp(new { op = "replace", value = new { active = false } });
    public static object Reactivate => HttpExtensions.PatchOp(new { op = "replace", value = new { active = true } });
}
