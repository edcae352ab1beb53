using Dapper;

namespace ScimLite.Scim;

/// <summary>
/// SQL pieces built from a <see cref="ColumnSet"/>. Column names come only from the schema definitions (a fixed
/// whitelist), never from a request; every value is a parameter.
/// </summary>
public static class SqlFragments
{
    public static DynamicParameters AddTo(this ColumnSet columns, DynamicParameters parameters)
    {
        foreach (var item in columns.Items)
            parameters.Add(item.Parameter, item.Value);
        return parameters;
    }

    public static string ColumnList(this ColumnSet columns) => string.Join(", ", columns.Items.Select(i => i.Column));

    public static string ValueList(this ColumnSet columns) => string.Join(", ", columns.Items.Select(i => i.SqlValue));

    public static string Assignments(this ColumnSet columns) =>
        string.Join(", ", columns.Items.Select(i => $"{i.Column} = {i.SqlValue}"));

    /// <summary>True in an UPDATE when any of the columns would change: only real changes move version and lastModified.</summary>
    public static string ChangedPredicate(this ColumnSet columns) => columns.Items.Count == 0
        ? "false"
        : $"ROW({string.Join(", ", columns.Items.Select(i => i.Column))}) IS DISTINCT FROM ROW({columns.ValueList()})";
}
