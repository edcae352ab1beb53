using System.CommandLine;
using System.Globalization;
using ScimLite.Cli;

namespace ScimLite.Safety;

/// <summary><c>ScimLite brake status | release | engage</c>: the deprovisioning brake, as an operator sees and moves it.</summary>
public static class BrakeCommand
{
    public static Command Create() => Create(Console.Out);

    public static Command Create(TextWriter output)
    {
        var brake = new Command("brake", "The deprovisioning brake: show it, release it, or engage it by hand.");
        brake.Subcommands.Add(Verb("status", "Whether the brake is engaged, since when and why, what it held, and the deprovisionings in the window.",
            output, async (store, _, ct) =>
            {
                Write(output, await store.StatusAsync(ct));
                return 0;
            }));
        brake.Subcommands.Add(Verb("release", "Disengage: the identity provider's retries of what was held then go through. Starts a fresh window.",
            output, async (store, _, ct) =>
            {
                var wasEngaged = await store.ReleaseAsync(By(), ct);
                await output.WriteLineAsync(wasEngaged
                    ? "Brake released; a fresh window starts now. The identity provider's retries of what was held will go through."
                    : "The brake was not engaged; a fresh window starts now.");
                return 0;
            }));
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the brake row, the journal and `brake status`)." };
        var engage = Verb("engage", "Engage by hand: deactivations, deletions, bulk member removals and nested-group removals are refused with 503 until released.",
            output, async (store, parse, ct) =>
            {
                var why = parse.GetValue(reason) is { Length: > 0 } text ? text : "engaged by an operator";
                await output.WriteLineAsync(await store.EngageAsync(why, By(), ct)
                    ? "Brake engaged. Release it with `ScimLite brake release`."
                    : "The brake was engaged already.");
                return 0;
            });
        engage.Options.Add(reason);
        brake.Subcommands.Add(engage);
        return brake;
    }

    static Command Verb(string name, string description, TextWriter output, Func<BrakeStore, ParseResult, CancellationToken, Task<int>> run)
    {
        var command = new Command(name, description);
        var connection = CliHost.ConnectionOption();
        command.Options.Add(connection);
        command.SetAction(async (parse, ct) =>
        {
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), ct);
            return await run(ActivatorUtilities.CreateInstance<BrakeStore>(host.Services), parse, ct);
        });
        return command;
    }

    /// <summary>How an operator's verb names who ran it: <c>operator &lt;OS user&gt;@&lt;host&gt;</c>.</summary>
    internal static string By() => $"operator {Environment.UserName}@{Environment.MachineName}";

    /// <summary>Every time the brake shows, in one format: UTC to the second (the triggers' reasons use it too).</summary>
    public static string At(DateTime? t) =>
        t is { } v ? v.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "-";

    static void Write(TextWriter output, BrakeStatus s)
    {
        static string Minutes(int seconds) => seconds % 60 == 0 ? $"{seconds / 60} min" : $"{seconds} s";
        var share = (s.Share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
        output.WriteLine(s.Engaged ? $"Brake: ENGAGED since {At(s.EngagedAt)}" : "Brake: disengaged");
        if (s.Engaged)
        {
            output.WriteLine($"  why:  {s.Reason}");
            output.WriteLine($"  held: {s.Held} refused requests (last {At(s.LastHeldAt)}); each is a 'Deprovisioning brake held <method> <path>' warning in the server log");
        }
        if (!s.Enabled)
            output.WriteLine("  DISABLED (Scim:Brake:Enabled=false): nothing is counted or refused");
        var people = s.Deactivations + s.Deletions;
        var total = people + s.MemberRemovals;
        var established = s.EstablishedActive + people;
        output.WriteLine($"Counted since {At(s.Since)}: {total} deprovisionings of established users and memberships — "
            + $"{s.Deactivations} users deactivated, {s.Deletions} users deleted, {s.MemberRemovals} memberships removed");
        output.WriteLine($"  established users who were active: {established} ({s.EstablishedActive} active now + {people} deactivated or deleted since); "
            + $"{s.ActiveUsers - s.EstablishedActive} more active users are younger than the grace");
        output.WriteLine($"  established: a user created, or a membership made, more than {Minutes(s.GraceSeconds)} ago (the grace, Scim:Brake:GraceMinutes); "
            + "younger ones are not counted, so a test suite or an undone import does not engage the brake");
        output.WriteLine($"Engages when more than {s.CountLimit} and more than {share} of the established users who were active are deprovisioned within {Minutes(s.WindowSeconds)}; "
            + $"while engaged, deactivations, user deletions, removals of a group from a group and requests removing more than {s.BulkMembers} memberships are refused");
        if (s.ReleasedAt is not null)
            output.WriteLine($"Last released {At(s.ReleasedAt)}");
    }
}
