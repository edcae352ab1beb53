using System.CommandLine;
using ScimLite.Cli;

namespace ScimLite.Safety;

/// <summary>
/// <c>ScimLite restore user|group &lt;id | name&gt; [--by NAME]</c>: brings a deleted user or group back from its tombstone;
/// the journal records it as <c>restored</c> by NAME.
/// </summary>
public static class RestoreCommand
{
    public static Command Create() => Create(Console.Out);

    public static Command Create(TextWriter output)
    {
        var restore = new Command("restore", "Restore a deleted user or group with its id, attributes and memberships.");
        restore.Subcommands.Add(Verb("user", "userName", output, (r, key, by, ct) => r.RestoreUserAsync(key, by, ct)));
        restore.Subcommands.Add(Verb("group", "displayName", output, (r, key, by, ct) => r.RestoreGroupAsync(key, by, ct)));
        return restore;
    }

    static Command Verb(string name, string nameAttribute, TextWriter output, Func<Restorer, string, string, CancellationToken, Task<Restorer.Outcome>> run)
    {
        var command = new Command(name, $"Restore a deleted {name} by id or {nameAttribute}; refused, changing nothing, when the {nameAttribute} is taken now.");
        var key = new Argument<string>("id-or-name") { Description = $"The {name}'s id or {nameAttribute}." };
        var by = new Option<string>("--by")
        {
            Description = "Who restores, as the journal's client for the restore (default: operator <OS user>@<host>).",
            DefaultValueFactory = _ => BrakeCommand.By(),
        };
        var connection = CliHost.ConnectionOption();
        command.Arguments.Add(key);
        command.Options.Add(by);
        command.Options.Add(connection);
        command.SetAction(async (parse, ct) =>
        {
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            var outcome = await run(ActivatorUtilities.CreateInstance<Restorer>(host.Services), parse.GetValue(key)!, parse.GetValue(by)!, ct);
            foreach (var line in outcome.Lines)
                await output.WriteLineAsync(line);
            return outcome.Restored ? 0 : 1;
        });
        return command;
    }
}
