using Dapper;

namespace ScimLite.Store;

/// <summary>
/// The columns a POST or PUT writes, in order, each with its parameter; jsonb values are JSON text that SQL casts.
/// <see cref="Statements.Insert"/> renders it as an INSERT, <see cref="Statements.Update"/> as a PUT's UPDATE of every
/// writable column.
/// </summary>
public sealed class ColumnSet : IColumnChanges
{
    readonly List<ColumnValue> items = [];

    public IReadOnlyList<ColumnValue> Items => items;

    public IReadOnlyList<(string Column, string Value)> Assignments => [.. items.Select(i => (i.Column, i.UpdateValue))];

    public IReadOnlyList<(int Index, string Value)> Derived => [];

    public IReadOnlyList<string> Stages => [];

    /// <summary>Every value's parameter and the extra ones the columns' SQL binds.</summary>
    public DynamicParameters Parameters
    {
        get
        {
            var parameters = new DynamicParameters();
            foreach (var item in items)
            {
                parameters.Add(item.Parameter, item.Value);
                foreach (var (name, value) in item.Extra)
                    parameters.Add(name, value);
            }
            return parameters;
        }
    }

    public void Set(string column, object? value, bool jsonb = false)
    {
        var index = items.FindIndex(i => i.Column == column);
        var item = new ColumnValue(column, value, jsonb);
        if (index >= 0) items[index] = item; else items.Add(item);
    }

    public object? Get(string column) => items.Find(i => i.Column == column)?.Value;

    /// <summary>Sets a column to SQL computed from the other columns' parameters (e.g. <c>scim_user_id(@p_manager_value)</c>).</summary>
    public void SetSql(string column, string sql)
    {
        Set(column, null);
        var index = items.FindIndex(i => i.Column == column);
        items[index] = items[index] with { Sql = sql };
    }

    /// <summary>
    /// How an UPDATE (PUT) writes a column already set: <paramref name="update"/> of the value's SQL, e.g. a merge with
    /// what the row keeps; <paramref name="extra"/> are more parameters it binds.
    /// </summary>
    public void SetUpdate(string column, Func<string, string> update, params (string Name, object Value)[] extra)
    {
        var index = items.FindIndex(i => i.Column == column);
        items[index] = items[index] with { Update = update, Extra = [.. items[index].Extra, .. extra] };
    }

    /// <summary>
    /// Passes the value a column gets, on insert and (after <see cref="SetUpdate"/>'s merge) on update, through
    /// <paramref name="guard"/>, e.g. a check of its size; <paramref name="extra"/> are more parameters it binds.
    /// </summary>
    public void SetGuard(string column, Func<string, string> guard, params (string Name, object Value)[] extra)
    {
        var index = items.FindIndex(i => i.Column == column);
        items[index] = items[index] with { Guard = guard, Extra = [.. items[index].Extra, .. extra] };
    }
}

/// <summary>One column to write. The parameter is named after the column (p_user_name), so SQL stays readable.</summary>
public sealed record ColumnValue(string Column, object? Value, bool Jsonb)
{
    public string Parameter => "p_" + Column;
    public string SqlValue => Sql ?? (Jsonb ? $"CAST(@{Parameter} AS jsonb)" : $"@{Parameter}");

    /// <summary>SQL computing the value from other parameters, instead of the value's own parameter.</summary>
    public string? Sql { get; init; }

    /// <summary>The SQL an UPDATE sets the column to, given <see cref="SqlValue"/>; null: SqlValue itself.</summary>
    public Func<string, string>? Update { get; init; }

    /// <summary>More parameters <see cref="Update"/> or <see cref="Guard"/> bind.</summary>
    public IReadOnlyList<(string Name, object Value)> Extra { get; init; } = [];

    /// <summary>What the written value passes through, on insert and update (<see cref="ColumnSet.SetGuard"/>).</summary>
    public Func<string, string>? Guard { get; init; }

    /// <summary>The SQL an INSERT writes.</summary>
    public string InsertValue => Guard?.Invoke(SqlValue) ?? SqlValue;

    /// <summary>The SQL an UPDATE sets the column to.</summary>
    public string UpdateValue => Update?.Invoke(SqlValue) is { } merged ? Guard?.Invoke(merged) ?? merged : InsertValue;
}
