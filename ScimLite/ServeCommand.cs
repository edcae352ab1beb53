using System.CommandLine;
using ScimLite.Cli;

namespace ScimLite;

/// <summary>
/// <c>ScimLite serve [--urls http://…] [--Section:Key=value …]</c>: runs the SCIM server. Its arguments are ASP.NET
/// Core's configuration; a name that is neither a host setting nor a configuration section is refused (exit 2), so a
/// typo such as <c>--ulrs</c> does not start a server on the default port.
/// </summary>
public static class ServeCommand
{
    public const string Name = "serve";

    public static Command Create()
    {
        var command = new Command(Name,
            "Run the SCIM server (the default when no command is given). Applies pending migrations first.\n"
            + "Arguments are configuration: --urls http://0.0.0.0:8080, --Scim:Key=value, --ConnectionStrings:Scim=….")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction((parse, _) =>
        {
            var args = parse.UnmatchedTokens.ToArray();
            if (HostArguments.Check(args) is { } problem)
                throw CliFailure.Usage(problem);
            return ScimServer.RunAsync(args);
        });
        return command;
    }
}

/// <summary>Checks server arguments against what ASP.NET Core's command-line configuration would make of them.</summary>
public static class HostArguments
{
    /// <summary>The host's own settings (<c>--urls</c>, and what the test host passes).</summary>
    static readonly string[] HostKeys =
    [
        "urls", "environment", "contentRoot", "applicationName", "http_ports", "https_ports", "webroot",
        "shutdownTimeoutSeconds", "hostingStartupAssemblies", "hostingStartupExcludeAssemblies", "preventHostingStartup",
        "detailedErrors", "captureStartupErrors", "AllowedHosts",
    ];

    /// <summary>Configuration sections ScimLite reads; <c>--Scim:Tokens:0=…</c> and the like.</summary>
    static readonly string[] Sections = ["Scim", "ConnectionStrings", "Logging", "Kestrel"];

    /// <summary>Null when every argument is a setting ScimLite or its host reads; else the one-line reason.</summary>
    public static string? Check(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            var prefixed = token.StartsWith("--", StringComparison.Ordinal) || token.StartsWith('/');
            if (!prefixed && !token.Contains('='))
                return $"unexpected argument '{token}'. Server settings are --Key value or --Section:Key=value. See 'ScimLite serve --help'.";
            var key = token.TrimStart('-', '/');
            var equals = key.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
                key = key[..equals];
            else if (prefixed)
                i++; // --key value
            if (!Known(key))
            {
                var close = Suggestions.Closest(key, HostKeys.Concat(Sections));
                return $"unknown option '{token}'.{(close is null ? "" : $" Did you mean '--{close}'?")} "
                    + "Server settings are --urls …, or --Section:Key=value for the sections Scim, ConnectionStrings, Logging and Kestrel.";
            }
        }
        return null;
    }

    static bool Known(string key)
    {
        // A section alone (--Scim=) is what a host builder's settings pass for a section's own, empty value.
        var section = key.Split(':', 2)[0].Split("__", 2)[0];
        return Sections.Contains(section, StringComparer.OrdinalIgnoreCase)
            || HostKeys.Contains(key, StringComparer.OrdinalIgnoreCase) || key.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase);
    }
}
