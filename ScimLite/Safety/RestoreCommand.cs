using System.CommandLine;
using ScimLite.Cli;

namespace ScimLite.Safety;

/// <summary><c>ScimLite restore user|group &lt;id | name&gt;</c>: brings a deleted user or group back from its tombstone.</summary>
public static class RestoreCommand
{
    public static Command Create() => Create(Console.Out);

    public static Command Create(TextWriter output)
    {
        var restore = new Command("restore", "Restore a deleted user or group with its id, attributes and memberships.");
        restore.Subcommands.Add(Verb("user", "userName", output, (r, key, ct) => r.RestoreUserAsync(key, ct)));
        restore.Subcommands.Add(Verb("group", "displayName", output, (r, key, ct) => r.RestoreGroupAsync(key, ct)));
        return restore;
    }

    static Command Verb(string name, string nameAttribute, TextWriter output, Func<Restorer, string, CancellationToken, Task<Restorer.Outcome>> run)
    {
        var command = new Command(name, $"Restore a deleted {name} by id or {nameAttribute}; refused, changing nothing, when the {nameAttribute} is taken now.");
        var key = new Argument<string>("id-or-name") { Description = $"The {name}'s id or {nameAttribute}." };
        var connection = CliHost.ConnectionOption();
        command.Arguments.Add(key);
        command.Options.Add(connection);
        command.SetAction(async (parse, ct) =>
        {
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            var outcome = await run(ActivatorUtilities.CreateInstance<Restorer>(host.Services), parse.GetValue(key)!, ct);
            foreach (var line in outcome.Lines)
                await output.WriteLineAsync(line);
            return outcome.Restored ? 0 : 1;
        });
        return command;
    }
}
