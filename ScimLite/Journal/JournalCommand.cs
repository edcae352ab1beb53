using System.CommandLine;
using System.Globalization;
using ScimLite.Auth;
using ScimLite.Cli;

namespace ScimLite.Journal;

/// <summary>
/// <c>ScimLite journal [--user alice@example.com] [--group Droids] [--since 2h] [--after 1234] [--client okta]
/// [--limit 100] [--json]</c>: what the identity providers did, oldest first; a table, or JSON lines with --json.
/// </summary>
public static class JournalCommand
{
    public static Command Create() => Create(Console.Out, Console.Error);

    /// <summary>The verb writing to the given writers (tests capture them).</summary>
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var connection = CliHost.ConnectionOption();
        var user = new Option<string?>("--user") { Description = "Only this user (userName, also a former one, or id), with the group membership changes naming them." };
        var group = new Option<string?>("--group") { Description = "Only this group (displayName, also a former one, or id)." };
        var since = new Option<string?>("--since") { Description = "Only changes at or after this time (2026-03-01T08:00Z) or this long ago (90s, 15m, 2h, 7d)." };
        var after = new Option<long?>("--after") { Description = "Only rows with a seq above this one (then the first --limit rows, else the latest)." };
        var client = new Option<string?>("--client") { Description = "Only changes made by this client." };
        var limit = new Option<int>("--limit") { Description = "Most rows to print.", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line instead of a table." };

        var command = new Command("journal", "Show the provisioning journal: who changed which user or group, when, and what changed.");
        foreach (var option in new Option[] { user, group, since, after, client, limit, json, connection })
            command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var rows = parse.GetValue(limit);
            if (rows < 1)
                return Fail(errors, $"--limit must be 1 or more, not {rows}.");
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } text)
            {
                if (ParseSince(text, DateTimeOffset.UtcNow) is not { } parsed)
                    return Fail(errors, $"--since '{text}' is neither a time (2026-03-01T08:00Z) nor a duration (90s, 15m, 2h, 7d).");
                from = parsed;
            }
            var filter = new JournalFilter
            {
                User = parse.GetValue(user), Group = parse.GetValue(group), Since = from, After = parse.GetValue(after),
                Client = parse.GetValue(client), Limit = rows,
            };
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            await using var db = await host.DataSource.OpenConnectionAsync(ct);
            var found = await JournalQuery.ReadAsync(db, filter, ct);
            if (found is null)
                return Fail(errors, $"No {(filter.User is not null ? "user" : "group")} called '{filter.User ?? filter.Group}' exists or appears in the journal.", ExitCodes.Failed);
            if (parse.GetValue(json))
                JournalFormat.WriteJsonLines(output, found);
            else
                JournalFormat.WriteTable(output, found);
            return 0;
        });
        return command;
    }

    static int Fail(TextWriter errors, string message, int exitCode = ExitCodes.Usage)
    {
        errors.WriteLine(message);
        return exitCode;
    }

    /// <summary>An absolute time, or a duration back from <paramref name="now"/>: <c>90s</c>, <c>15m</c>, <c>2h</c>, <c>7d</c>.</summary>
    public static DateTimeOffset? ParseSince(string text, DateTimeOffset now)
    {
        if (Durations.TryParse(text, out var back))
            return back < now - DateTimeOffset.MinValue ? now - back : null;
        return DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
    }
}
