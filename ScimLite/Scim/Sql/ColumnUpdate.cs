using Dapper;

namespace ScimLite.Scim.Sql;

/// <summary>
/// What one UPDATE of a resource's own columns sets: <c>column = expression</c> pairs over the row <c>r</c>, and the
/// parameters they bind. <see cref="ColumnPatcher"/> (PATCH) and <see cref="ColumnSet"/> (PUT) build one; the store
/// runs it and adds its own parameters (id, If-Match, time).
/// </summary>
public sealed class ColumnUpdate(IReadOnlyList<(string Column, string Value)> values, DynamicParameters parameters)
{
    /// <summary>Nothing to set: no operation touched a column.</summary>
    public bool IsEmpty => values.Count == 0;

    /// <summary><c>col = expr, ...</c> for the UPDATE's SET list; empty when <see cref="IsEmpty"/>.</summary>
    public string Assignments => SqlFragments.Assignments(values);

    /// <summary>True in the UPDATE when a column would change: only then do version and lastModified move.</summary>
    public string Changed => SqlFragments.ChangedPredicate(values);

    public DynamicParameters Parameters => parameters;
}
