using Dapper;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Sql;

/// <summary>
/// SQL pieces built from a <see cref="ColumnSet"/>. Column names come only from the schema definitions (a fixed
/// whitelist), never from a request; every value is a parameter.
/// </summary>
public static class SqlFragments
{
    public static DynamicParameters AddTo(this ColumnSet columns, DynamicParameters parameters)
    {
        foreach (var item in columns.Items)
        {
            parameters.Add(item.Parameter, item.Value);
            foreach (var (name, value) in item.Extra)
                parameters.Add(name, value);
        }
        return parameters;
    }

    public static string ColumnList(this ColumnSet columns) => string.Join(", ", columns.Items.Select(i => i.Column));

    public static string ValueList(this ColumnSet columns) => string.Join(", ", columns.Items.Select(i => i.InsertValue));

    /// <summary>A PUT: every column set to its parameter, as one <see cref="ColumnUpdate"/>.</summary>
    public static ColumnUpdate ToUpdate(this ColumnSet columns) =>
        new([.. columns.Items.Select(i => (i.Column, i.UpdateValue))], columns.AddTo(new DynamicParameters()));

    /// <summary>
    /// <paramref name="value"/> (jsonb) checked against the limits of <see cref="ResourceTypeDef.Limits"/> (SQL
    /// placeholders) by <c>scim_within_limits</c> (sql/0011_extension_limits.sql), which raises SL400 when over one.
    /// </summary>
    public static string WithinLimits(string value, string maxItems, string maxBytes) =>
        $"scim_within_limits({value}, {maxItems}, {maxBytes})";

    /// <summary>
    /// The end of an UPDATE's SET list over alias <c>r</c>: version and lastModified move only when
    /// <paramref name="changed"/> holds, so a write that changes nothing leaves the ETag as it was.
    /// </summary>
    public static string VersionBump(string changed) => $"""
        version = CASE WHEN {changed} THEN {ResourceSql.NextVersion("r.version")} ELSE r.version END,
               last_modified = CASE WHEN {changed} THEN @now ELSE r.last_modified END
        """;
}
