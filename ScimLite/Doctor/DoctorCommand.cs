using System.CommandLine;

namespace ScimLite.Doctor;

/// <summary>
/// <c>ScimLite doctor --url https://scim.example.com/scim/v2 --token … [--read-only] [--insecure-http]</c>: checks a
/// running deployment from the outside (see <see cref="DoctorRun"/>). Needs no database and no configuration.
/// </summary>
public static class DoctorCommand
{
    /// <summary>The environment variable read when <c>--token</c> is absent, so the token stays out of shell history.</summary>
    public const string TokenVariable = "SCIMLITE_DOCTOR_TOKEN";

    public static Command Create() => Create(Console.Out, handler: null);

    /// <summary>Prints to <paramref name="output"/> and sends through <paramref name="handler"/> (tests: the in-process host).</summary>
    public static Command Create(TextWriter output, HttpMessageHandler? handler)
    {
        var url = new Option<string>("--url")
        {
            Description = "The public SCIM base URL, as given to Okta and Entra, e.g. https://scim.example.com/scim/v2.",
            Required = true,
        };
        var token = new Option<string?>("--token")
        {
            Description = $"The bearer token an identity provider would send (default: the {TokenVariable} environment variable).",
        };
        var readOnly = new Option<bool>("--read-only")
        {
            Description = "Send only GET requests: skip the lifecycles that create, change and delete a test user and group.",
        };
        var insecureHttp = new Option<bool>("--insecure-http")
        {
            Description = "Check over plain HTTP even when the host is not a loopback address (the token travels in clear).",
        };
        var command = new Command("doctor", "Check a running ScimLite from the outside, the way Okta and Entra see it; exit code 1 when a check fails.")
        {
            Options = { url, token, readOnly, insecureHttp },
        };
        command.SetAction(async (parse, _) =>
        {
            if (!Uri.TryCreate(parse.GetValue(url), UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("http" or "https"))
            {
                await output.WriteLineAsync("--url must be an absolute http:// or https:// URL, e.g. https://scim.example.com/scim/v2.");
                return 2;
            }
            var secret = parse.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable);
            if (string.IsNullOrWhiteSpace(secret))
            {
                await output.WriteLineAsync($"Give the token with --token or the {TokenVariable} environment variable.");
                return 2;
            }
            return await DoctorRun.RunAsync(new DoctorSettings(baseUrl, secret, parse.GetValue(readOnly), parse.GetValue(insecureHttp)), output, handler);
        });
        return command;
    }
}
