using System.CommandLine;
using DbUp.Engine.Output;
using ScimLite.Data;

namespace ScimLite.Cli;

/// <summary>
/// <c>ScimLite migrate [--dry-run]</c>: applies the pending scripts of sql/ and exits — the step a deploy pipeline runs
/// before rolling out the new version. With <c>--dry-run</c> it lists them and changes nothing. The server applies the
/// same scripts at start-up; no other verb migrates.
/// </summary>
public static class MigrateCommand
{
    public static Command Create() => Create(Console.Out);

    public static Command Create(TextWriter output)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "List the pending scripts; change nothing." };
        var connection = CliHost.ConnectionOption();
        var command = new Command("migrate", "Apply pending database migrations (sql/) and exit; the server does the same at start-up.")
        {
            dryRun, connection,
        };
        command.SetAction(async (parse, ct) =>
        {
            await using var host = await CliHost.OpenAsync(parse.GetValue(connection), requireCurrentSchema: false, ct);
            var state = Migrations.ReadState(host.DataSource);
            foreach (var unknown in state.Unknown)
                await output.WriteLineAsync($"note: the database has {unknown}, which this ScimLite does not ship (a newer version migrated it).");
            if (state.Current)
            {
                await output.WriteLineAsync($"The database {host.Database} is current at {state.Version}; nothing to apply.");
                return ExitCodes.Ok;
            }
            if (parse.GetValue(dryRun))
            {
                await output.WriteLineAsync($"The database {host.Database} is at {state.Version}; {state.Pending.Count} script(s) pending:");
                foreach (var script in state.Pending)
                    await output.WriteLineAsync($"  {script}");
                return ExitCodes.Ok;
            }
            // The migration's own data source: no request deadline, so an index build on a large table is not cut off.
            var applied = Migrations.Apply(host.Services.GetRequiredKeyedService<Npgsql.NpgsqlDataSource>(DataServices.MigrationsKey), new NoOpUpgradeLog());
            foreach (var script in applied)
                await output.WriteLineAsync($"applied {script}");
            await output.WriteLineAsync($"The database {host.Database} is now at {Migrations.ReadState(host.DataSource).Version}.");
            return ExitCodes.Ok;
        });
        return command;
    }
}
