using System.CommandLine;
using Dapper;
using ScimLite.Safety;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Safety;

/// <summary>Runs the brake and restore verbs against the test database, and reads single values back.</summary>
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

    public static async Task<T> ScalarAsync<T>(this ScimApp app, string sql, object? parameters = null)
    {
        await using var connection = await app.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public static object Deactivate => HttpExtensions.PatchOp(new { op = "replace", value = new { active = false } });
    public static object Reactivate => HttpExtensions.PatchOp(new { op = "replace", value = new { active = true } });
}
