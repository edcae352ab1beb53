using ScimLite.Data;

namespace ScimLite.Health;

/// <summary>
/// /healthz: the process answers. /readyz: the database answers (asked at most once a second, see
/// <see cref="ReadinessProbe"/>) and is migrated. Neither needs a token.
/// </summary>
public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok")).AllowAnonymous();
        app.MapGet("/readyz", Ready).AllowAnonymous();
        return app;
    }

    static async Task<IResult> Ready(ReadinessProbe probe, MigrationState migration, CancellationToken ct)
    {
        if (!migration.Done)
            return Results.Text("migrating", statusCode: 503);
        return await probe.IsDatabaseReadyAsync().WaitAsync(ct)
            ? Results.Text("ready")
            : Results.Text("database unavailable", statusCode: 503);
    }
}
