using Dapper;

namespace ScimLite.Scim.Sql;

/// <summary>
/// What one UPDATE of a resource's own columns sets: <c>column = expression</c> pairs over the row <c>r</c>, and the
/// parameters they bind. <see cref="ColumnPatcher"/> (PATCH) and <see cref="ColumnSet"/> (PUT) build one; the store
/// runs it and adds its own parameters (id, If-Match, time).
/// </summary>
/// <remarks>
/// A <paramref name="derived"/> column's new value is computed from the row (a PATCH of a jsonb array, one
/// <paramref name="stages"/> CTE per step over the row <c>b</c>). The UPDATE uses it three times — it is set, compared
/// with the old value, and decides whether version and lastModified move — so such values are computed once, in CTEs
/// ahead of the UPDATE (<see cref="With"/>: the row locked first, so that a concurrent write is seen before they are
/// computed), and the statement uses their names <c>n.c0, n.c1, …</c>. Plain values (parameters, NULL) stay inline,
/// where the column types them.
/// </remarks>
public sealed class ColumnUpdate(IReadOnlyList<(string Column, string Value)> values, DynamicParameters parameters,
    IReadOnlySet<string>? derived = null, IReadOnlyList<string>? stages = null)
{
    /// <summary>Nothing to set: no operation touched a column.</summary>
    public bool IsEmpty => values.Count == 0;

    bool HasDerived => derived is { Count: > 0 } && values.Any(v => derived.Contains(v.Column));

    /// <summary><c>col = expr, ...</c> for the UPDATE's SET list; empty when <see cref="IsEmpty"/>.</summary>
    public string Assignments => string.Join(", ", values.Select((v, i) => $"{v.Column} = {New(i)}"));

    /// <summary>True in the UPDATE when a column would change: only then do version and lastModified move.</summary>
    public string Changed => IsEmpty
        ? "false"
        : $"ROW({string.Join(", ", values.Select(v => "r." + v.Column))}) IS DISTINCT FROM ROW({string.Join(", ", values.Select((_, i) => New(i)))})";

    /// <summary>
    /// The UPDATE's WITH clause that computes the derived values once, over the row of <paramref name="table"/> whose
    /// id is <paramref name="id"/> (a parameter), locked first; empty when nothing is derived. Goes with
    /// <see cref="From"/> and <see cref="Join"/>.
    /// </summary>
    public string With(string table, string id)
    {
        if (!HasDerived)
            return "";
        var computed = values.Select((v, i) => (v, i)).Where(x => derived!.Contains(x.v.Column)).Select(x => $"{x.v.Value} AS c{x.i}");
        var ctes = new List<string> { $"b AS MATERIALIZED (SELECT * FROM {table} AS r WHERE r.id = {id} FOR UPDATE)" };
        ctes.AddRange(stages ?? []);
        ctes.Add($"n AS MATERIALIZED (SELECT b.id, {string.Join(", ", computed)} FROM b)");
        return "WITH " + string.Join(",\n     ", ctes);
    }

    /// <summary>The UPDATE's FROM clause naming the derived values (<c>FROM n</c>), or empty.</summary>
    public string From => HasDerived ? "FROM n" : "";

    /// <summary>The condition joining <see cref="From"/> to the updated row (<c>AND n.id = r.id</c>), or empty.</summary>
    public string Join => HasDerived ? "AND n.id = r.id" : "";

    public DynamicParameters Parameters => parameters;

    string New(int i) => derived is not null && derived.Contains(values[i].Column) ? $"n.c{i}" : values[i].Value;
}
