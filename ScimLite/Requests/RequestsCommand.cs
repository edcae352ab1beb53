using System.CommandLine;
using System.Globalization;
using ScimLite.Auth;
using ScimLite.Cli;
using ScimLite.Journal;

namespace ScimLite.Requests;

/// <summary>
/// <c>ScimLite requests [--client okta-prod] [--status 4xx|5xx|409] [--since 1h] [--user alice@example.com] [--limit 100]
/// [--json]</c>: the failed (and captured) requests, oldest first; <c>requests show &lt;seq&gt;</c>: one in full;
/// <c>requests capture &lt;client&gt; --for 30m | --off</c>: record every request of a client for a while.
/// </summary>
public static class RequestsCommand
{
    /// <summary>The longest capture: a capture is for debugging a session, not a permanent log.</summary>
    public static readonly TimeSpan MaxCapture = TimeSpan.FromDays(1);

    public static Command Create() => Create(Console.Out, Console.Error);

    /// <summary>The verb writing to the given writers (tests capture them).</summary>
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var connection = CliHost.ConnectionOption();
        var client = new Option<string?>("--client") { Description = "Only requests of this client." };
        var status = new Option<string?>("--status") { Description = "Only these answers: 4xx, 5xx or one status such as 409." };
        var since = new Option<string?>("--since") { Description = "Only requests at or after this time (2026-03-01T08:00Z) or this long ago (90s, 15m, 2h, 7d)." };
        var user = new Option<string?>("--user") { Description = "Only requests whose path or body names this user (userName or id)." };
        var limit = new Option<int>("--limit") { Description = "Most rows to print (the latest).", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line (with the redacted body) instead of a table." };

        var command = new Command("requests",
            "Show the requests ScimLite refused (4xx, 5xx) and those of captured clients: what was sent, and why it was refused.");
        foreach (var option in new Option[] { client, status, since, user, limit, json, connection })
            command.Options.Add(option);
        command.Subcommands.Add(Show(output, errors));
        command.Subcommands.Add(Capture(output, errors));
        command.SetAction(async (parse, ct) =>
        {
            var rows = parse.GetValue(limit);
            if (rows < 1)
                return Fail(errors, $"--limit must be 1 or more, not {rows}.");
            (int, int)? statuses = null;
            if (parse.GetValue(status) is { } statusText && (statuses = ParseStatus(statusText)) is null)
                return Fail(errors, $"--status '{statusText}' is not 4xx, 5xx or a status between 400 and 599.");
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } sinceText && (from = JournalCommand.ParseSince(sinceText, DateTimeOffset.UtcNow)) is null)
                return Fail(errors, $"--since '{sinceText}' is neither a time (2026-03-01T08:00Z) nor a duration (90s, 15m, 2h, 7d).");
            var filter = new RequestFilter { Client = parse.GetValue(client), Status = statuses, Since = from, User = parse.GetValue(user), Limit = rows };
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            await using var db = await host.DataSource.OpenConnectionAsync(ct);
            var found = await RequestLogQuery.ReadAsync(db, filter, ct);
            if (parse.GetValue(json))
                RequestLogFormat.WriteJsonLines(output, found);
            else
                RequestLogFormat.WriteTable(output, found);
            return 0;
        });
        return command;
    }

    static Command Show(TextWriter output, TextWriter errors)
    {
        var connection = CliHost.ConnectionOption();
        var seq = new Argument<long>("seq") { Description = "The record's seq, from `ScimLite requests`." };
        var command = new Command("show", "Print one recorded request in full: headers kept, answer, and the redacted body indented.") { seq, connection };
        command.SetAction(async (parse, ct) =>
        {
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            await using var db = await host.DataSource.OpenConnectionAsync(ct);
            if (await RequestLogQuery.ReadOneAsync(db, parse.GetValue(seq), ct) is not { } row)
                return Fail(errors, $"No recorded request has seq {parse.GetValue(seq)} (purged, or never recorded).", ExitCodes.Failed);
            RequestLogFormat.WriteOne(output, row);
            return 0;
        });
        return command;
    }

    static Command Capture(TextWriter output, TextWriter errors)
    {
        var connection = CliHost.ConnectionOption();
        var client = new Argument<string>("client") { Description = "The client's name, as `ScimLite tokens list` shows it." };
        var duration = new Option<string?>("--for") { Description = $"How long to record every request of the client: 30m, 2h (at most {MaxCapture.TotalHours:0}h)." };
        var off = new Option<bool>("--off") { Description = "Stop capturing the client now." };
        var command = new Command("capture",
            "Record every request of one client, successful ones too, for a while (all instances follow within a few seconds).")
            { client, duration, off, connection };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(client)!;
            var forText = parse.GetValue(duration);
            if (parse.GetValue(off) == (forText is not null))
                return Fail(errors, "say either --for 30m (start or extend the capture) or --off (stop it).");
            TimeSpan span = default;
            if (forText is not null && (!Durations.TryParse(forText, out span) || span <= TimeSpan.Zero || span > MaxCapture))
                return Fail(errors, $"--for '{forText}' is not a duration between 1s and {MaxCapture.TotalHours:0}h, such as 30m or 2h.");
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            await using var db = await host.DataSource.OpenConnectionAsync(ct);
            if (forText is null)
            {
                var stopped = await RequestLogQuery.StopCaptureAsync(db, name, ct);
                output.WriteLine(stopped ? $"Stopped capturing {name}." : $"{name} was not being captured.");
                return 0;
            }
            var until = DateTime.UtcNow + span;
            await RequestLogQuery.CaptureAsync(db, name, until, ct);
            output.WriteLine($"Capturing every request of {name} until {until.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC "
                + $"(instances follow within Scim:RequestLog:CaptureRefreshSeconds). See them with: ScimLite requests --client {name}");
            return 0;
        });
        return command;
    }

    /// <summary>"4xx" → 400–499, "5xx" → 500–599, "409" → 409–409; null for anything else.</summary>
    public static (int From, int To)? ParseStatus(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t is "4xx" or "5xx")
            return t[0] == '4' ? (400, 499) : (500, 599);
        return int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 400 and <= 599 ? (code, code) : null;
    }

    static int Fail(TextWriter errors, string message, int exitCode = ExitCodes.Usage)
    {
        errors.WriteLine(message);
        return exitCode;
    }
}
