using Dapper;
using Npgsql;
using ScimLite.Scim;

namespace ScimLite.Store;

/// <summary>Column changes an UPDATE renders: a PATCH's <see cref="UpdatePlan"/>, a PUT's <see cref="ColumnSet"/>.</summary>
public interface IColumnChanges
{
    /// <summary><c>column = value</c> pairs, in order; a derived value is named <c>n.cI</c> (I its position).</summary>
    IReadOnlyList<(string Column, string Value)> Assignments { get; }

    /// <summary>The values computed from the row, by position in <see cref="Assignments"/>.</summary>
    IReadOnlyList<(int Index, string Value)> Derived { get; }

    /// <summary>The stages the derived values read, as CTEs over the locked row <c>b</c>.</summary>
    IReadOnlyList<string> Stages { get; }

    DynamicParameters Parameters { get; }
}

/// <summary>How an UPDATE of one resource is checked and what it returns.</summary>
/// <param name="IfMatch">The If-Match check is in the UPDATE's WHERE (the row is not locked before).</param>
/// <param name="MembersChanged">Version and lastModified also move when <c>@members_changed</c> is true.</param>
/// <param name="Returning">The projection to return; null: the version alone.</param>
public sealed record UpdateShape(bool IfMatch, bool MembersChanged, Projection? Returning);

/// <summary>
/// The statements about one resource, rendered whole from a map and a typed plan; stores bind them and run them. The
/// parameters are <see cref="Sql"/>'s (<c>@id</c>, <c>@if_match</c>, <c>@now</c>) and each plan's own. The rendered text
/// of each kind is kept as a snapshot in the tests (ScimLite.Tests/Store/Statements), so a change to any of them shows
/// in the diff as SQL.
/// </summary>
public static class Statements
{
    const string R = Sql.Resource;

    /// <summary>The resource by id, as the projection asks.</summary>
    public static string SelectById(ResourceMap map, Projection projection, bool streamed = false) =>
        map.Select(projection, $"{R}.id = {Sql.Id}", streamed);

    /// <summary>The resource by id, if the If-Match check holds (a write that changed nothing answers with it).</summary>
    public static string SelectByIdIfMatch(ResourceMap map, Projection projection) =>
        map.Select(projection, $"{R}.id = {Sql.Id} AND {Sql.IfMatchCondition}");

    /// <summary>Locks the row for the rest of the transaction, with the If-Match check; selects the version.</summary>
    public static string Lock(ResourceMap map) =>
        $"SELECT {R}.version FROM {map.Table} {R} WHERE {R}.id = {Sql.Id} AND {Sql.IfMatchCondition} FOR UPDATE";

    /// <summary>
    /// A new resource with the id fixed before the first attempt: a retry after a COMMIT whose answer was lost finds the
    /// row it already wrote (see Data/Db.cs) rather than a 409 from a unique index.
    /// </summary>
    /// <param name="returning">The projection to return; null: nothing.</param>
    public static string Insert(ResourceMap map, ColumnSet columns, Projection? returning) => $"""
        INSERT INTO {map.Table} AS {R} (id, {string.Join(", ", columns.Items.Select(i => i.Column))}, created, last_modified, version)
        VALUES ({Sql.Id}, {string.Join(", ", columns.Items.Select(i => i.InsertValue))}, {Sql.Now}, {Sql.Now}, 1)
        ON CONFLICT (id) DO NOTHING{(returning is null ? "" : $"\nRETURNING {map.SelectList(returning)}")}
        """;

    /// <summary>
    /// One UPDATE of the row's columns. version and lastModified move only when a column would change (or the
    /// membership did), so a write that changes nothing leaves the ETag as it was. A derived value is used three times
    /// — set, compared, and deciding the version — so derived values are computed once, in CTEs ahead of the UPDATE
    /// over the row locked first (a concurrent write is seen before they are computed).
    /// </summary>
    public static string Update(ResourceMap map, IColumnChanges changes, UpdateShape shape)
    {
        var assignments = changes.Assignments;
        var derived = changes.Derived.Count > 0;
        var changed = assignments.Count == 0
            ? "false"
            : $"ROW({string.Join(", ", assignments.Select(a => $"{R}.{a.Column}"))}) IS DISTINCT FROM ROW({string.Join(", ", assignments.Select(a => a.Value))})";
        if (shape.MembersChanged)
            changed = $"(@members_changed OR {changed})";
        var with = "";
        if (derived)
        {
            var ctes = new List<string> { $"b AS MATERIALIZED (SELECT * FROM {map.Table} AS {R} WHERE {R}.id = {Sql.Id} FOR UPDATE)" };
            ctes.AddRange(changes.Stages);
            ctes.Add($"n AS MATERIALIZED (SELECT b.id, {string.Join(", ", changes.Derived.Select(d => $"{d.Value} AS c{d.Index}"))} FROM b)");
            with = "WITH " + string.Join(",\n     ", ctes) + "\n";
        }
        var set = string.Concat(assignments.Select(a => $"{a.Column} = {a.Value},\n       "));
        return $"""
            {with}UPDATE {map.Table} AS {R} SET {set}version = CASE WHEN {changed} THEN {Sql.NextVersion($"{R}.version")} ELSE {R}.version END,
                   last_modified = CASE WHEN {changed} THEN {Sql.Now} ELSE {R}.last_modified END{(derived ? "\n  FROM n" : "")}
             WHERE {R}.id = {Sql.Id}{(shape.IfMatch ? $" AND {Sql.IfMatchCondition}" : "")}{(derived ? " AND n.id = r.id" : "")}
            RETURNING {(shape.Returning is null ? $"{R}.version" : map.SelectList(shape.Returning))}
            """;
    }

    /// <summary>
    /// One page of a list. A page that skips rows (<paramref name="fromStart"/> false) finds its ids first and builds
    /// only those rows, since OFFSET makes PostgreSQL compute every skipped row and building one (manager name, groups)
    /// costs far more than stepping over an index entry. A page from the first match skips nothing, so it is one plain
    /// query: the lookup an identity provider sends before each write (<c>userName eq</c>) then reads its row once,
    /// not its id and then its row, and has no OFFSET: PostgreSQL prices a generic plan's OFFSET parameter as skipping a
    /// tenth of the matches, and at least one row, so for a one-row lookup the generic plan looked twice as dear as a
    /// custom one and every lookup was planned again (about as much PostgreSQL CPU as running it). Every number is a
    /// parameter, so each page of a list is the same statement.
    /// </summary>
    public static string ListPage(ResourceMap map, Projection projection, bool streamed, string where, string orderBy, bool fromStart) => fromStart
        ? $"""
          {map.Select(projection, streamed: streamed)} WHERE {where} {orderBy} LIMIT @page_limit;
          """
        : $"""
          {map.Select(projection, streamed: streamed)} WHERE {R}.id IN (SELECT {R}.id FROM {map.Table} {R} WHERE {where} {orderBy} LIMIT @page_limit OFFSET @page_offset)
          {orderBy};
          """;

    /// <summary>
    /// The total of a list. Unfiltered, it is the type's row count kept by triggers (sql/0007_counts.sql), summed over
    /// a few shard rows: exact, and as cheap at a million users as at ten, where count(*) would read the whole index for
    /// every page of an import. A filter's matches are counted.
    /// </summary>
    public static string Count(ResourceMap map, string where) => where == "true"
        ? $"SELECT coalesce(sum(n), 0)::bigint FROM resource_counts WHERE table_name = {Sql.Literal(map.Table)};"
        : $"SELECT count(*) FROM {map.Table} {R} WHERE {where};";

    /// <summary>
    /// <paramref name="value"/> (jsonb) checked against the type's limits (SQL placeholders) by <c>scim_within_limits</c>
    /// (sql/0011_extension_limits.sql), which raises SL400 when over one.
    /// </summary>
    public static string WithinLimits(string value, string maxItems, string maxBytes) =>
        $"scim_within_limits({value}, {maxItems}, {maxBytes})";

    /// <summary>
    /// When the statement that carries the If-Match check finds no row: a missing resource (404) or a stale version (412).
    /// </summary>
    public static async Task<ScimException> IfMatchFailureAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, ResourceMap map,
        Guid id, CancellationToken ct)
    {
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            $"SELECT EXISTS (SELECT 1 FROM {map.Table} WHERE id = {Sql.Id})", new { id }, tx, cancellationToken: ct));
        return exists
            ? ScimException.PreconditionFailed($"{map.Type.Name} {id} has changed since the version in If-Match.")
            : ScimException.NotFound(map.Type.Name, id);
    }
}
