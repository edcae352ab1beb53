using ScimLite.Scim.Schema;

namespace ScimLite.Store;

/// <summary>How values of an operand compare in SQL.</summary>
public enum OperandKind { Text, Binary, Uuid, Boolean, JsonBoolean, DateTime, Numeric }

/// <summary>A filterable (sub-)attribute as a SQL expression, and how its values compare.</summary>
public sealed record Operand(string Name, string Sql, OperandKind Kind, bool CaseExact = false)
{
    /// <summary>
    /// When the value is one of several uuid columns (Group <c>members.value</c> is a user id or a group id), <c>eq</c>
    /// tests each column on its own so PostgreSQL can use each one's index.
    /// </summary>
    public IReadOnlyList<string>? UuidColumns { get; init; }
}

/// <summary>What operands share: their kind from an attribute's type, and how one becomes a sort key.</summary>
public static class Operands
{
    public static OperandKind KindOf(AttrType type) => type switch
    {
        AttrType.Boolean => OperandKind.Boolean,
        AttrType.DateTime => OperandKind.DateTime,
        AttrType.Integer or AttrType.Decimal => OperandKind.Numeric,
        AttrType.Binary => OperandKind.Binary,
        _ => OperandKind.Text,
    };

    /// <summary>
    /// The operand as an ORDER BY key: strings by code point (<c>COLLATE "C"</c>), ignoring case unless caseExact.
    /// </summary>
    public static string SortValue(Operand o) => Collated(Value(o), o);

    public static string Value(Operand o) => o.Kind switch
    {
        OperandKind.Text when !o.CaseExact => $"lower({o.Sql})",
        OperandKind.JsonBoolean => $"({o.Sql} = 'true'::jsonb)",
        _ => o.Sql,
    };

    public static string Collated(string sql, Operand o) =>
        o.Kind is OperandKind.Text or OperandKind.Binary ? $"{sql} COLLATE \"C\"" : sql;
}
