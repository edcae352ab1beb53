using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Sql;

/// <summary>
/// Maps schema attributes to SQL over the resource row <c>r</c>. Column names come only from <see cref="CoreSchemas"/>,
/// never from the request: the schema is the whitelist. Computed attributes come from the resource type's
/// <see cref="ResourceSql"/>. Inside a multi-valued attribute the current item is <c>e</c> (a jsonb array element) or
/// the link row of the map's <see cref="LinkSql.Source"/>.
/// </summary>
static class SqlOperands
{
    /// <summary>uuid columns are compared as uuids, so a non-UUID operand matches nothing instead of failing the cast.</summary>
    public static Operand Column(string name, AttributeDef attribute)
    {
        var sql = "r." + attribute.Column;
        if (attribute.UuidColumn)
            return new Operand(name, sql, OperandKind.Uuid);
        return new Operand(name, sql, KindOf(attribute.Type), attribute.CaseExact);
    }

    /// <summary>A sub-attribute of a single-valued complex attribute (name, meta, manager).</summary>
    public static Operand Part(ResourceTypeDef type, AttributeDef attribute, AttributeDef sub, Func<string, ScimException> error)
    {
        var name = $"{attribute.Name}.{sub.Name}";
        if (sub.Storage == Storage.Column && sub.Column is not null)
            return Column(name, sub);
        return type.Sql.PartOperand(attribute, sub) ?? throw error($"The attribute '{name}' cannot be filtered or sorted on.");
    }

    /// <summary><c>name pr</c>: a complex attribute is present when one of its sub-attributes is; meta always is.</summary>
    public static string PartsPresent(AttributeDef attribute)
    {
        if (ReferenceEquals(attribute, CoreSchemas.Meta))
            return "true";
        var columns = attribute.SubAttributes.Where(s => s.Storage == Storage.Column && s.Column is not null)
            .Select(s => SqlPredicates.Present(Column(s.Name, s)));
        return "(" + string.Join(" OR ", columns) + ")";
    }

    /// <summary>A sub-attribute of the current item of a multi-valued attribute.</summary>
    public static Operand Item(ResourceTypeDef type, AttributeDef attribute, AttributeDef sub, Func<string, ScimException> error)
    {
        var name = $"{attribute.Name}.{sub.Name}";
        if (attribute.Storage == Storage.JsonArray)
        {
            var key = Literal(sub.Column ?? sub.Name);
            return sub.Type == AttrType.Boolean
                ? new Operand(name, $"e->{key}", OperandKind.JsonBoolean)
                : new Operand(name, $"e->>{key}", KindOf(sub.Type), sub.CaseExact);
        }
        return type.Sql.Link(attribute).Item(name, sub) ?? throw error($"The attribute '{name}' cannot be filtered or sorted on.");
    }

    /// <summary>The items of a jsonb array column; NULL or a non-array (never written, but cheap to guard) is no items.</summary>
    public static string ArrayOf(AttributeDef attribute) =>
        $"CASE WHEN jsonb_typeof(r.{attribute.Column}) = 'array' THEN r.{attribute.Column} ELSE '[]'::jsonb END";

    /// <summary>True when some item of a multi-valued attribute satisfies <paramref name="condition"/> (null: any item).</summary>
    public static string Exists(ResourceTypeDef type, AttributeDef attribute, string? condition)
    {
        if (attribute.Storage == Storage.JsonArray)
            return condition is null
                ? $"jsonb_array_length({ArrayOf(attribute)}) > 0"
                : $"EXISTS (SELECT 1 FROM jsonb_array_elements({ArrayOf(attribute)}) e WHERE {condition})";
        var source = type.Sql.Link(attribute).Source;
        return condition is null
            ? $"EXISTS (SELECT 1 {source})"
            : $"EXISTS (SELECT 1 {source} AND {condition})";
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
