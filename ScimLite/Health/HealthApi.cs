using Npgsql;
using ScimLite.Data;

namespace ScimLite.Health;

/// <summary>/healthz: the process answers. /readyz: the database answers and is migrated. Neither needs a token.</summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous();
        app.MapGet("/readyz", Ready).AllowAnonymous();
        return app;
    }

    static async Task<IResult> Ready(NpgsqlDataSource dataSource, MigrationState migration, CancellationToken ct)
    {
        if (!migration.Done)
            return Results.Text("migrating", statusCode: 503);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return Results.Text("ready");
        }
        catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return Results.Text("database unavailable", statusCode: 503);
        }
    }
}
