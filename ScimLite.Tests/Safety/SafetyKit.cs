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

    /// <summary>
    /// Seeds <paramref name="count"/> active users created yesterday: established, so the brake counts their
    /// deprovisioning (users created within the grace are not counted).
    /// </summary>
    public static async Task<Guid[]> SeedEstablishedUsersAsync(this ScimApp app, int count, string prefix = "person")
    {
        var ids = await app.SeedUsersAsync(count, prefix);
        await using var connection = await app.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE users SET created = now() - interval '1 day' WHERE id = ANY(@ids)", new { ids });
        return ids;
    }

    /// <summary>Memberships made yesterday: established, so the brake counts their removal.</summary>
    public static async Task BackdateMembershipsAsync(this ScimApp app)
    {
        await using var connection = await app.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE link SET created = now() - interval '1 day'");
    }

    public static object Deactivate => HttpExtensions.PatchOp(new { op = "replace", value = new { active = false } });
    public static object Reactivate => HttpExtensions.PatchOp(new { op = "replace", value = new { active = true } });
}
