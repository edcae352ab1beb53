namespace ScimLite.Scim.Sql;

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
