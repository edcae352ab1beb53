using System.CommandLine.Parsing;
using System.CommandLine;
using Npgsql;
using ScimLite.Cli;

namespace ScimLite;

/// <summary>
/// The command line. <c>ScimLite</c> alone, <c>ScimLite serve</c>, or server arguments alone (<c>--urls …</c>) run the
/// server; any other first word must be a verb, or it is a usage error (exit 2) that neither binds a port nor opens the
/// database. A verb's failure is one line on stderr and an exit code from <see cref="ExitCodes"/>, never a stack trace.
/// </summary>
public static class ScimLiteCli
{
    public static Task<int> InvokeAsync(string[] args) => InvokeAsync(args, Console.Out, Console.Error);

    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = Build();
        var parse = root.Parse(ServeByDefault(args));
        if (parse.Action is not Examples.HelpWithExample && parse.Errors.Count > 0)
            return Usage(error, UsageErrors.Describe(parse));
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error });
        }
        catch (CliFailure failure)
        {
            await error.WriteLineAsync($"{Name(parse)}: {failure.Message}");
            return failure.ExitCode;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync($"{Name(parse)}: interrupted.");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // Past the start-up checks (CliHost): the database went away while the verb ran.
            await error.WriteLineAsync($"{Name(parse)}: the database failed: {OneLine(ex.Message)}");
            return ExitCodes.Environment;
        }
        catch (Exception ex) when (ex is not HostAbortedException && !IsServe(parse))
        {
            await error.WriteLineAsync($"{Name(parse)}: failed: {OneLine(ex.Message)} ({ex.GetType().Name})");
            return ExitCodes.Failed;
        }
    }

    /// <summary>The root command with every verb. A verb is one static <c>Create()</c> in its feature's folder.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "ScimLite: a SCIM 2.0 server for Okta and Microsoft Entra ID, keeping users and groups in PostgreSQL.\n"
            + "With no command (or `serve`) it serves; the other commands are for operators and read the same configuration.\n"
            + "Exit codes: 0 done, 1 refused or failed, 2 usage, 3 configuration invalid, database unreachable or schema not current.");
        foreach (var verb in Verbs())
            root.Subcommands.Add(verb);
        Examples.Apply(root);
        return root;
    }

    static IEnumerable<Command> Verbs() =>
    [
        ServeCommand.Create(),
        MigrateCommand.Create(),
        Auth.TokensCommand.Create(),
        Journal.JournalCommand.Create(),
        Requests.RequestsCommand.Create(),
        Webhooks.WebhooksCommand.Create(),
        Safety.BrakeCommand.Create(),
        Safety.RestoreCommand.Create(),
        Extensions.ExtensionsCommand.Create(),
        Doctor.DoctorCommand.Create(),
    ];

    /// <summary>No arguments, or server arguments alone (<c>--urls …</c>, <c>--Scim:Key=value</c>): serve.</summary>
    static string[] ServeByDefault(string[] args) =>
        args.Length == 0 || (args[0].StartsWith('-') && !HelpOrVersion.Contains(args[0])) ? ["serve", .. args] : args;

    static readonly HashSet<string> HelpOrVersion = new(StringComparer.Ordinal) { "--help", "-h", "-?", "/?", "/h", "--version" };

    static bool IsServe(ParseResult parse) => parse.CommandResult.Command.Name == ServeCommand.Name;

    static int Usage(TextWriter error, string message)
    {
        error.WriteLine(message);
        return ExitCodes.Usage;
    }

    /// <summary>"ScimLite tokens add": the command the parse ended in, as typed.</summary>
    public static string Name(ParseResult parse)
    {
        var names = new List<string>();
        for (SymbolResult? result = parse.CommandResult; result is CommandResult command; result = command.Parent)
            names.Add(command.Command is RootCommand ? "ScimLite" : command.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
