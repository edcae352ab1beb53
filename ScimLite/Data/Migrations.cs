using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using Npgsql;

namespace ScimLite.Data;

/// <summary>
/// The versioned scripts in sql/ beside the binary, applied by DbUp by file name, in order, each in its own
/// transaction, journalled in <c>schemaversions</c>. The server applies them at start-up and <c>ScimLite migrate</c> on
/// demand; every other verb only reads where the database stands (<see cref="ReadState"/>).
/// </summary>
public static class Migrations
{
    public static string ScriptsFolder => Path.Combine(AppContext.BaseDirectory, "sql");

    /// <param name="dataSource">
    /// The data source itself, not its ConnectionString: that one has the password stripped (Npgsql hides it), so DbUp
    /// could not log in to a server that wants one.
    /// </param>
    public static UpgradeEngine Engine(NpgsqlDataSource dataSource, IUpgradeLog log) => DeployChanges.To
        .PostgresqlDatabase(new DbUp.Postgresql.PostgresqlConnectionManager(dataSource))
        .WithScriptsFromFileSystem(ScriptsFolder)
        .WithTransactionPerScript()
        .LogTo(log)
        .Build();

    /// <summary>Which scripts the database has and which it lacks; creates nothing (no <c>schemaversions</c> either).</summary>
    public static SchemaState ReadState(NpgsqlDataSource dataSource)
    {
        var engine = Engine(dataSource, new NoOpUpgradeLog());
        var applied = engine.GetExecutedScripts();
        var pending = engine.GetScriptsToExecute().Select(script => script.Name).ToList();
        var known = engine.GetDiscoveredScripts().Select(script => script.Name).ToHashSet(StringComparer.Ordinal);
        return new SchemaState(applied, pending, [.. applied.Where(name => !known.Contains(name))]);
    }

    /// <summary>Applies what is pending; throws naming the script that failed (its transaction rolled back).</summary>
    public static IReadOnlyList<string> Apply(NpgsqlDataSource dataSource, IUpgradeLog log)
    {
        var result = Engine(dataSource, log).PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException(
                $"Database migration failed in {result.ErrorScript?.Name ?? "an unknown script"}: {result.Error?.Message}", result.Error);
        return [.. result.Scripts.Select(script => script.Name)];
    }
}

/// <param name="Applied">Scripts the database has, oldest first.</param>
/// <param name="Pending">Scripts in sql/ it lacks, in the order they would run.</param>
/// <param name="Unknown">Scripts the database has that this binary does not ship (a newer ScimLite migrated it).</param>
public sealed record SchemaState(IReadOnlyList<string> Applied, IReadOnlyList<string> Pending, IReadOnlyList<string> Unknown)
{
    public bool Current => Pending.Count == 0;

    public string Version => Applied.Count == 0 ? "none" : Path.GetFileNameWithoutExtension(Applied[^1]);
}
