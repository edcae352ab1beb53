using System.CommandLine;
using System.Globalization;
using ScimLite.Cli;
using ScimLite.Journal;

namespace ScimLite.Webhooks;

/// <summary>
/// <c>ScimLite webhooks status [--json]</c>: each endpoint's position, lag, last success and error, next attempt;
/// <c>webhooks replay &lt;name&gt; --from &lt;seq|time&gt;</c>: deliver again from a point of the journal;
/// <c>webhooks test &lt;name&gt;</c>: send a signed ping and show the answer.
/// </summary>
public static class WebhooksCommand
{
    public static Command Create() => Create(Console.Out, Console.Error);

    /// <summary>The verb writing to the given writers (tests capture them).</summary>
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var command = new Command("webhooks", "Signed webhooks sent from the journal to the endpoints of Scim:Webhooks: their state, replay and a test ping.");
        command.Subcommands.Add(Status(output));
        command.Subcommands.Add(Replay(output, errors));
        command.Subcommands.Add(Test(output, errors));
        return command;
    }

    static Command Status(TextWriter output)
    {
        var connection = CliHost.ConnectionOption();
        var json = new Option<bool>("--json") { Description = "One JSON object per endpoint and line instead of a table." };
        var command = new Command("status", "Show each endpoint's position in the journal, its lag, last success, last error and next attempt.") { json, connection };
        command.SetAction(async (parse, ct) =>
        {
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            var names = Endpoints(host).Select(e => e.Name).ToList();
            await using var db = await host.DataSource.OpenConnectionAsync(ct);
            var rows = await WebhookStatusQuery.ReadAsync(db, names, ct);
            if (parse.GetValue(json))
                WebhookFormat.WriteJsonLines(output, rows);
            else
                WebhookFormat.WriteTable(output, rows, DateTime.UtcNow);
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Replay(TextWriter output, TextWriter errors)
    {
        var connection = CliHost.ConnectionOption();
        var name = new Argument<string>("name") { Description = "The endpoint's Name, as `ScimLite webhooks status` shows it." };
        var from = new Option<string>("--from")
        {
            Description = "Deliver again from this journal seq (1234), time (2026-03-01T08:00Z) or that long ago (90s, 15m, 2h, 7d).",
            Required = true,
        };
        var command = new Command("replay", "Deliver an endpoint's events again from a point of the journal (duplicates keep their event ids).")
            { name, from, connection };
        command.SetAction(async (parse, ct) =>
        {
            var text = parse.GetValue(from)!;
            long? seq = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;
            var at = seq is null ? JournalCommand.ParseSince(text, DateTimeOffset.UtcNow) : null;
            if (seq is null && at is null)
                return Fail(errors, $"--from '{text}' is neither a journal seq (1234), a time (2026-03-01T08:00Z) nor a duration (90s, 15m, 2h, 7d).", ExitCodes.Usage);
            var endpoint = parse.GetValue(name)!;
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            var names = Endpoints(host).Select(e => e.Name).ToList();
            await using var db = await host.DataSource.OpenConnectionAsync(ct);
            var known = await WebhookStatusQuery.ReadAsync(db, names, ct);
            if (!known.Any(k => k.Name == endpoint))
                return Fail(errors, $"No webhook endpoint is called '{endpoint}' (known: {List(known.Select(k => k.Name))}).", ExitCodes.Failed);
            if (await WebhookReplay.MoveAsync(db, endpoint, seq, at, ct) is not { } start)
                return Fail(errors, $"The journal has no row {(seq is null ? $"written at or after {at:yyyy-MM-dd HH:mm:ss} UTC" : $"with seq {seq} or later")}: nothing to deliver again.", ExitCodes.Failed);
            output.WriteLine($"{endpoint} delivers again from journal seq {start}, in the change feed's order; the instance delivering it starts at once.");
            return ExitCodes.Ok;
        });
        return command;
    }

    static Command Test(TextWriter output, TextWriter errors)
    {
        var connection = CliHost.ConnectionOption();
        var name = new Argument<string>("name") { Description = "The endpoint's Name in Scim:Webhooks." };
        var command = new Command("test", "Send a signed ping event to an endpoint and show its answer; its position does not move.") { name, connection };
        command.SetAction(async (parse, ct) =>
        {
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            var endpoints = Endpoints(host);
            var wanted = parse.GetValue(name)!;
            if (endpoints.FirstOrDefault(e => string.Equals(e.Name, wanted, StringComparison.OrdinalIgnoreCase)) is not { } endpoint)
                return Fail(errors, $"No endpoint called '{wanted}' is configured in Scim:Webhooks (configured: {List(endpoints.Select(e => e.Name))}).", ExitCodes.Failed);
            var timeout = host.Configuration.GetSection(WebhookDeliveryOptions.Section).Get<WebhookDeliveryOptions>()?.TimeoutSeconds ?? 10;
            using var client = new HttpClient(WebhookSender.CreateHandler()) { Timeout = TimeSpan.FromSeconds(timeout) };
            var now = DateTimeOffset.UtcNow;
            var (id, body) = WebhookEvents.Ping(endpoint.Name, now);
            output.WriteLine($"POST {endpoint.Url} (webhook-id {id}): {body}");
            var attempt = await WebhookSender.SendAsync(client, endpoint, id, body, now, ct);
            output.WriteLine(attempt.Status is { } status ? $"HTTP {status} in {attempt.Elapsed.TotalMilliseconds:0} ms" : attempt.Describe());
            if (!string.IsNullOrEmpty(attempt.Answer))
                output.WriteLine(attempt.Answer);
            if (attempt.Delivered)
                return ExitCodes.Ok;
            return Fail(errors, $"{endpoint.Name} did not accept the ping: {attempt.Describe()}", ExitCodes.Failed);
        });
        return command;
    }

    /// <summary>The configured endpoints; a wrong entry is a configuration error (exit 3) naming it.</summary>
    static IReadOnlyList<WebhookEndpoint> Endpoints(CliHost host)
    {
        try
        {
            return WebhookEndpoints.Read(host.Configuration);
        }
        catch (WebhookConfigException ex)
        {
            throw CliFailure.Environment(ex.Message);
        }
    }

    static string List(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "none";

    static int Fail(TextWriter errors, string message, int exitCode)
    {
        errors.WriteLine(message);
        return exitCode;
    }
}
