using System.CommandLine;
using ScimLite.Hosting;

namespace ScimLite.Cli;

/// <summary>
/// The command line: with no verb the server runs (every argument goes to ASP.NET Core, so <c>--urls</c> and
/// <c>--Scim:Key=value</c> work as before); each operator verb reads the same configuration as the server
/// (see <see cref="CliHost"/>).
/// </summary>
public static class ScimLiteCli
{
    public static Task<int> InvokeAsync(string[] args)
    {
        var root = Build(args);
        var parse = root.Parse(args);
        // Exceptions reach the caller (and the test host's WebApplicationFactory) untranslated.
        return parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }

    /// <summary>The root command with every verb. A verb is one static <c>Create()</c> in its own file here.</summary>
    public static RootCommand Build(string[] args)
    {
        var root = new RootCommand("ScimLite: a SCIM 2.0 server for Okta and Microsoft Entra ID, keeping users and groups in PostgreSQL.")
        {
            // Server arguments (--urls, --Scim:Tokens:0=…) are ASP.NET Core's, not ours.
            TreatUnmatchedTokensAsErrors = false,
        };
        foreach (var verb in Verbs())
            root.Subcommands.Add(verb);
        root.SetAction((_, _) => ScimServer.RunAsync(args));
        return root;
    }

    static IEnumerable<Command> Verbs() =>
    [
        Auth.TokensCommand.Create(),
        Doctor.DoctorCommand.Create(),
        Journal.JournalCommand.Create(),
        Safety.BrakeCommand.Create(),
        Safety.RestoreCommand.Create(),
    ];
}
