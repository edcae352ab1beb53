using Microsoft.Extensions.Logging.Console;

namespace ScimLite.Hosting;

/// <summary>
/// The console log of the server and of the verbs: one line per entry, starting with its UTC time in ISO 8601
/// (<c>2026-12-07T10:40:05.123Z info: …</c>); in the JSON format (<c>Logging:Console:FormatterName=json</c>) the same
/// time is its <c>Timestamp</c> field. <c>Logging:Console:FormatterOptions:*</c> in configuration still wins.
/// </summary>
public static class ConsoleLogging
{
    /// <summary>Set once the host has started; until then the host's own error lines are left to the start-up failure report.</summary>
    public static bool HostStarted { get; set; }

    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";

    /// <summary>The server's console: its formatter from configuration, else the simple one.</summary>
    public static void ForServer(ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.AddConsole();
        // A formatter always named: without a name the console falls back to its legacy options, which replace the
        // formatter's (timestamp, single line) with its own.
        var formatter = configuration["Logging:Console:FormatterName"];
        logging.Services.Configure<ConsoleLoggerOptions>(options =>
            options.FormatterName = string.IsNullOrWhiteSpace(formatter) ? ConsoleFormatterNames.Simple : formatter);
        logging.Services.PostConfigure<SimpleConsoleFormatterOptions>(options =>
        {
            Stamp(options);
            // One line per entry, so a line is an entry for grep and log shippers alike; configuration may say otherwise.
            if (configuration["Logging:Console:FormatterOptions:SingleLine"] is null)
                options.SingleLine = true;
        });
        logging.Services.PostConfigure<JsonConsoleFormatterOptions>(options =>
        {
            Stamp(options);
            // A JSON field, not a prefix: no trailing space.
            options.TimestampFormat = options.TimestampFormat?.TrimEnd();
        });
        // A 401 is the request line's to tell ("401 … client=-"); the handler's own "was challenged" line is noise.
        logging.AddFilter("ScimLite.Auth.BearerAuthenticationHandler", LogLevel.Warning);
        // A start-up failure is reported once, by ScimLite/Cli/StartupFailure.cs; the host's own copy adds a stack trace.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", level => level >= (HostStarted ? LogLevel.Information : LogLevel.Critical));
    }

    /// <summary>An operator verb prints its answer on stdout: it logs only warnings and errors, on stderr.</summary>
    public static void ForVerbs(ILoggingBuilder logging, IConfiguration configuration)
    {
        configuration["Logging:LogLevel:Default"] = "Warning";
        logging.AddFilter("Npgsql", LogLevel.Warning);
        ForServer(logging, configuration);
        logging.Services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>A logger for a failure before the host exists (invalid configuration), formatted as the host's would be.</summary>
    public static ILoggerFactory Standalone(IConfiguration configuration) => LoggerFactory.Create(logging =>
    {
        logging.AddConfiguration(configuration.GetSection("Logging"));
        ForServer(logging, configuration);
    });

    static void Stamp(ConsoleFormatterOptions options)
    {
        options.UseUtcTimestamp = true;
        options.TimestampFormat ??= TimestampFormat;
    }
}
