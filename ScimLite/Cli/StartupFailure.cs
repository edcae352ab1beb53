using Npgsql;

using ScimLite.Hosting;

namespace ScimLite.Cli;

/// <summary>A server that cannot start says why in one Critical log line, in the configured log format, and exits.</summary>
public static class StartupFailure
{
    /// <summary>
    /// ScimLite is the process (not a test host running it in-process, which needs the exception itself to report why
    /// its server did not start).
    /// </summary>
    public static bool OwnProcess => System.Reflection.Assembly.GetEntryAssembly() == typeof(StartupFailure).Assembly;

    public static async Task<int> ReportAsync(WebApplicationBuilder builder, WebApplication? app, Exception ex)
    {
        var exitCode = ex is IOException ? ExitCodes.Failed : ExitCodes.Environment;
        var own = app is null ? ConsoleLogging.Standalone(builder.Configuration) : null;
        var logger = (own ?? app!.Services.GetRequiredService<ILoggerFactory>()).CreateLogger("ScimLite.Startup");
        logger.LogCritical(new EventId(1, "StartupFailed"), "ScimLite cannot start: {Reason}", Describe(ex));
        // Disposing the console logger flushes it before the process exits.
        own?.Dispose();
        if (app is not null)
            await app.DisposeAsync();
        return exitCode;
    }

    /// <summary>The message, on one line; for a database failure, where the database is.</summary>
    static string Describe(Exception ex)
    {
        var message = string.Join(' ', ex.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return ex is NpgsqlException or TimeoutException
            ? $"the database is unreachable or failed: {message}. Check ConnectionStrings__Scim and that PostgreSQL runs."
            : ex is IOException ? $"{message}. Is another process listening there?" : message;
    }
}
