using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using ScimLite.Cli;

namespace ScimLite.Auth;

/// <summary>
/// <c>ScimLite tokens add|list|revoke|rotate</c>: named clients in the client table. A secret is printed once and kept
/// only as its SHA-256; running servers pick up every change within <c>Scim:TokenRefreshSeconds</c>, without a restart.
/// </summary>
public static partial class TokensCommand
{
    public static Command Create() => Create(Console.Out, Console.Error);

    public static Command Create(TextWriter output, TextWriter error)
    {
        var tokens = new Command("tokens", "Manage the named API clients (okta-prod, entra, …) and their bearer tokens.");
        tokens.Subcommands.Add(Add(output, error));
        tokens.Subcommands.Add(List(output, error));
        tokens.Subcommands.Add(Revoke(output, error));
        tokens.Subcommands.Add(Rotate(output, error));
        return tokens;
    }

    static Command Add(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "The client's name, e.g. okta-prod (letters, digits, . _ -)." };
        var expires = new Option<string?>("--expires") { Description = "Validity, e.g. 90d, 12h; default: no expiry." };
        var permits = new Option<int?>("--permits-per-second") { Description = "This client's sustained rate; default: Scim:RateLimit:PermitsPerSecond." };
        var burst = new Option<int?>("--burst") { Description = "This client's burst; default: Scim:RateLimit:Burst." };
        var connection = CliHost.ConnectionOption();
        var command = new Command("add", "Adds a client and prints its token, once.") { name, expires, permits, burst, connection };
        command.SetAction(Guard(error, async (parse, ct) =>
        {
            var client = parse.GetValue(name)!;
            if (!ValidName(client, error))
                return ExitCodes.Usage;
            if (parse.GetValue(permits) is <= 0 || parse.GetValue(burst) is <= 0)
                return Fail(error, "--permits-per-second and --burst must be positive.", ExitCodes.Usage);
            var validity = parse.GetValue(expires) is { } text ? Durations.Parse(text, "--expires") : (TimeSpan?)null;
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            var now = Now(host);
            var expiry = now + validity;
            var secret = NewSecret();
            if (!await Store(host).AddAsync(client, ScimClient.Digest(secret), now, expiry, parse.GetValue(permits), parse.GetValue(burst), ct))
                return Fail(error, $"A client named {client} exists; rotate its token (tokens rotate {client}) or revoke it first.");
            output.WriteLine($"Added client {client}{(expiry is { } e ? $", expires {Date(e)}" : "")}. Its token, shown only this once:");
            output.WriteLine();
            output.WriteLine(secret);
            output.WriteLine();
            output.WriteLine($"Running servers accept it within {Refresh(host)}. Okta: API Token \"Bearer <token>\"; Entra: Secret Token \"<token>\".");
            return 0;
        }));
        return command;
    }

    static Command List(TextWriter output, TextWriter error)
    {
        var connection = CliHost.ConnectionOption();
        var command = new Command("list", "Lists clients: age, last use, expiry, state.") { connection };
        command.SetAction(Guard(error, async (parse, ct) =>
        {
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            var now = Now(host);
            var lines = new List<string[]> { new[] { "NAME", "SOURCE", "AGE", "LAST USED", "EXPIRES", "STATE" } };
            foreach (var row in await Store(host).AllAsync(ct))
            {
                lines.Add([
                    row.Name, "table", Durations.Short(now - row.Created),
                    row.LastUsed is { } used ? Durations.Short(now - used) + " ago" : "never",
                    row.Expires is { } expires ? Date(expires) : "never",
                    State(row, now),
                ]);
            }
            var directory = new ClientDirectory(host.Configuration, Options.Create(Bind(host)), TimeProvider.System);
            foreach (var client in directory.ConfiguredClients)
                lines.Add([client.Name, "config", "-", "-", "never", "active"]);
            if (lines.Count == 1)
            {
                output.WriteLine("No clients. Add one with `ScimLite tokens add <name>`, or configure Scim__Clients__0__Name and Scim__Clients__0__Token.");
                return 0;
            }
            var widths = Enumerable.Range(0, lines[0].Length).Select(i => lines.Max(l => l[i].Length)).ToArray();
            foreach (var line in lines)
                output.WriteLine(string.Join("  ", line.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
            return 0;
        }));
        return command;
    }

    static Command Revoke(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "The client to revoke." };
        var connection = CliHost.ConnectionOption();
        var command = new Command("revoke", "Revokes a client's token (and any previous one still in grace).") { name, connection };
        command.SetAction(Guard(error, async (parse, ct) =>
        {
            var client = parse.GetValue(name)!;
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            if (!await Store(host).RevokeAsync(client, Now(host), ct))
                return Fail(error, $"No active client named {client} in the client table (clients named in configuration are removed there).");
            output.WriteLine($"Revoked client {client}. Running servers refuse its token within {Refresh(host)}.");
            return 0;
        }));
        return command;
    }

    static Command Rotate(TextWriter output, TextWriter error)
    {
        var name = new Argument<string>("name") { Description = "The client whose token to replace." };
        var grace = new Option<string>("--grace") { Description = "How long the old token stays valid, e.g. 24h (default), 0s to end it now.", DefaultValueFactory = _ => "24h" };
        var expires = new Option<string?>("--expires") { Description = "New validity from now, e.g. 90d; default: the expiry stays." };
        var connection = CliHost.ConnectionOption();
        var command = new Command("rotate", "Issues a new token; the old one stays valid during the grace period.") { name, grace, expires, connection };
        command.SetAction(Guard(error, async (parse, ct) =>
        {
            var client = parse.GetValue(name)!;
            var graceText = parse.GetValue(grace)!;
            var graceSpan = graceText.Trim() is "0" or "0s" ? TimeSpan.Zero : Durations.Parse(graceText, "--grace");
            var validity = parse.GetValue(expires) is { } text ? Durations.Parse(text, "--expires") : (TimeSpan?)null;
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            var now = Now(host);
            var expiry = now + validity;
            var secret = NewSecret();
            if (!await Store(host).RotateAsync(client, ScimClient.Digest(secret), now + graceSpan, expiry, ct))
                return Fail(error, $"No active client named {client} in the client table.");
            output.WriteLine($"New token for client {client}, shown only this once:");
            output.WriteLine();
            output.WriteLine(secret);
            output.WriteLine();
            output.WriteLine($"The previous token stays valid until {Date(now + graceSpan)}; running servers accept the new one within {Refresh(host)}.");
            return 0;
        }));
        return command;
    }

    /// <summary>A mistyped duration is a one-line message and exit code 2 (usage), not a stack trace.</summary>
    static Func<ParseResult, CancellationToken, Task<int>> Guard(TextWriter error, Func<ParseResult, CancellationToken, Task<int>> action) =>
        async (parse, ct) =>
        {
            try
            {
                return await action(parse, ct);
            }
            catch (FormatException ex)
            {
                return Fail(error, ex.Message, ExitCodes.Usage);
            }
        };

    /// <summary>32 random bytes as 64 hex digits: as strong as the SHA-256 that stores it.</summary>
    static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    static bool ValidName(string name, TextWriter error)
    {
        if (NamePattern().IsMatch(name))
            return true;
        Fail(error, $"'{name}' is not a client name: 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        return false;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    static string State(ClientRow row, DateTime now) =>
        row.Revoked is { } revoked ? $"revoked {Date(revoked)}"
        : row.Expires <= now ? "expired"
        : row.PreviousValidUntil > now ? $"active; previous token until {Date(row.PreviousValidUntil.Value)}"
        : "active";

    static int Fail(TextWriter error, string message, int exitCode = ExitCodes.Failed)
    {
        error.WriteLine(message);
        return exitCode;
    }

    static ClientStore Store(CliHost host) => new(host.DataSource);
    static DateTime Now(CliHost host) => host.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
    static ClientOptions Bind(CliHost host) => host.Configuration.GetSection(Scim.ScimOptions.Section).Get<ClientOptions>() ?? new();
    static string Refresh(CliHost host) => $"{Bind(host).TokenRefreshSeconds.ToString(CultureInfo.InvariantCulture)} s";
    static string Date(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
