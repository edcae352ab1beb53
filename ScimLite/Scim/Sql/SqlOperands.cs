using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Sql;

enum OperandKind { Text, Binary, Uuid, Boolean, JsonBoolean, DateTime, Numeric }

/// <summary>A filterable (sub-)attribute as a SQL expression, and how its values compare.</summary>
sealed record Operand(string Name, string Sql, OperandKind Kind, bool CaseExact = false)
{
    /// <summary>
    /// Group <c>members.value</c> is a user id or a group id; <c>eq</c> tests each column on its own so PostgreSQL can
    /// use each one's index.
    /// </summary>
    public IReadOnlyList<string>? UuidColumns { get; init; }
}

/// <summary>
/// Maps schema attributes to SQL over the resource row <c>r</c> (sql/0001_users_groups_link.sql). Column names come
/// only from <see cref="CoreSchemas"/>, never from the request: the schema is the whitelist.
/// Inside a multi-valued attribute the current item is <c>e</c> (a jsonb array element) or <c>l</c>/<c>g</c> (link).
/// </summary>
static class SqlOperands
{
    /// <summary>uuid columns: compared as uuids, so a non-UUID operand matches nothing instead of failing the cast.</summary>
    static readonly HashSet<string> UuidColumns = ["id", "manager_id"];

    public static Operand Column(string name, AttributeDef attribute)
    {
        var sql = "r." + attribute.Column;
        if (UuidColumns.Contains(attribute.Column!))
            return new Operand(name, sql, OperandKind.Uuid);
        return new Operand(name, sql, KindOf(attribute.Type), attribute.CaseExact);
    }

    /// <summary>A sub-attribute of a single-valued complex attribute (name, meta, manager).</summary>
    public static Operand Part(ResourceTypeDef type, AttributeDef attribute, AttributeDef sub, Func<string, ScimException> error)
    {
        var name = $"{attribute.Name}.{sub.Name}";
        if (sub.Storage == Storage.Column && sub.Column is not null)
            return Column(name, sub);
        if (Is(attribute, "meta") && Is(sub, "resourceType"))
            return new Operand(name, $"'{type.Name}'", OperandKind.Text, CaseExact: true);
        if (Is(attribute, "manager") && Is(sub, "displayName"))
            return new Operand(name, "(SELECT m.display_name FROM users m WHERE m.id = r.manager_id)", OperandKind.Text);
        throw error($"The attribute '{name}' cannot be filtered or sorted on.");
    }

    /// <summary><c>name pr</c>: a complex attribute is present when one of its sub-attributes is.</summary>
    public static string PartsPresent(AttributeDef attribute)
    {
        if (Is(attribute, "meta"))
            return "true";
        var columns = attribute.SubAttributes.Where(s => s.Storage == Storage.Column && s.Column is not null)
            .Select(s => SqlPredicates.Present(Column(s.Name, s)));
        return "(" + string.Join(" OR ", columns) + ")";
    }

    /// <summary>A sub-attribute of the current item of a multi-valued attribute.</summary>
    public static Operand Item(AttributeDef attribute, AttributeDef sub, Func<string, ScimException> error)
    {
        var name = $"{attribute.Name}.{sub.Name}";
        if (attribute.Storage == Storage.JsonArray)
        {
            var key = Literal(sub.Column ?? sub.Name);
            return sub.Type == AttrType.Boolean
                ? new Operand(name, $"e->{key}", OperandKind.JsonBoolean)
                : new Operand(name, $"e->>{key}", KindOf(sub.Type), sub.CaseExact);
        }
        return (attribute.Name, sub.Name) switch
        {
            ("groups", "value") => new Operand(name, "l.group_id", OperandKind.Uuid),
            ("groups", "display") => new Operand(name, "g.display_name", OperandKind.Text),
            // users.groups lists direct memberships only (RFC 7643 §4.1.2 "direct").
            ("groups", "type") => new Operand(name, "'direct'", OperandKind.Text),
            ("members", "value") => new Operand(name, "coalesce(l.user_id, l.member_group_id)", OperandKind.Uuid)
            {
                UuidColumns = ["l.user_id", "l.member_group_id"],
            },
            ("members", "display") => new Operand(name,
                "coalesce((SELECT coalesce(mu.display_name, mu.user_name) FROM users mu WHERE mu.id = l.user_id), " +
                "(SELECT mg.display_name FROM groups mg WHERE mg.id = l.member_group_id))", OperandKind.Text),
            ("members", "type") => new Operand(name, "CASE WHEN l.user_id IS NOT NULL THEN 'User' ELSE 'Group' END", OperandKind.Text),
            _ => throw error($"The attribute '{name}' cannot be filtered or sorted on."),
        };
    }

    /// <summary>The items of a jsonb array column; NULL or a non-array (never written, but cheap to guard) is no items.</summary>
    public static string ArrayOf(AttributeDef attribute) =>
        $"CASE WHEN jsonb_typeof(r.{attribute.Column}) = 'array' THEN r.{attribute.Column} ELSE '[]'::jsonb END";

    /// <summary>FROM/WHERE selecting the membership rows of <c>r</c> for users.groups or groups.members.</summary>
    public static string LinkSource(AttributeDef attribute) => attribute.Name == "groups"
        ? "FROM link l JOIN groups g ON g.id = l.group_id WHERE l.user_id = r.id"
        : "FROM link l WHERE l.group_id = r.id";

    /// <summary>True when some item of a multi-valued attribute satisfies <paramref name="condition"/> (null: any item).</summary>
    public static string Exists(AttributeDef attribute, string? condition)
    {
        if (attribute.Storage == Storage.JsonArray)
            return condition is null
                ? $"jsonb_array_length({ArrayOf(attribute)}) > 0"
                : $"EXISTS (SELECT 1 FROM jsonb_array_elements({ArrayOf(attribute)}) e WHERE {condition})";
        return condition is null
            ? $"EXISTS (SELECT 1 {LinkSource(attribute)})"
            : $"EXISTS (SELECT 1 {LinkSource(attribute)} AND {condition})";
    }

    /// <summary>The columns of an extension (<c>schemas eq "urn:...:enterprise:2.0:User"</c>).</summary>
    public static IEnumerable<string> ColumnsOf(SchemaDef schema) =>
        schema.Attributes.SelectMany(a => a.Storage == Storage.Parts ? a.SubAttributes : [a])
            .Where(a => a.Storage == Storage.Column && a.Column is not null)
            .Select(a => "r." + a.Column);

    public static bool Is(AttributeDef attribute, string name) =>
        string.Equals(attribute.Name, name, StringComparison.OrdinalIgnoreCase);

    static OperandKind KindOf(AttrType type) => type switch
    {
        AttrType.Boolean => OperandKind.Boolean,
        AttrType.DateTime => OperandKind.DateTime,
        AttrType.Integer or AttrType.Decimal => OperandKind.Numeric,
        AttrType.Binary => OperandKind.Binary,
        _ => OperandKind.Text,
    };

    /// <summary>A SQL string literal for a name taken from the schema (never for request data).</summary>
    static string Literal(string schemaName) => "'" + schemaName.Replace("'", "''") + "'";
}
