namespace ScimLite.Scim.Sql;

/// <summary>Column values to write, in order; jsonb values are JSON text that SQL casts.</summary>
public sealed class ColumnSet
{
    readonly List<ColumnValue> items = [];

    public IReadOnlyList<ColumnValue> Items => items;

    public void Set(string column, object? value, bool jsonb = false)
    {
        var index = items.FindIndex(i => i.Column == column);
        var item = new ColumnValue(column, value, jsonb);
        if (index >= 0) items[index] = item; else items.Add(item);
    }

    public object? Get(string column) => items.Find(i => i.Column == column)?.Value;
}

/// <summary>One column to write. The parameter is named after the column (p_user_name), so SQL stays readable.</summary>
public sealed record ColumnValue(string Column, object? Value, bool Jsonb)
{
    public string Parameter => "p_" + Column;
    public string SqlValue => Jsonb ? $"CAST(@{Parameter} AS jsonb)" : $"@{Parameter}";
}
