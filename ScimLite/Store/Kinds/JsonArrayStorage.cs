using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Store.Kinds;

/// <summary>
/// A multi-valued complex attribute kept as a jsonb array of items in one column (<c>emails</c>, <c>addresses</c>):
/// sub-attributes are JSON keys named like the SCIM sub-attribute. Filters test items with EXISTS over the array; a
/// sort takes the primary item, else the first; a PATCH rewrites the array in SQL (<see cref="JsonArrayPatch"/>).
/// </summary>
/// <param name="valueIndex">
/// An indexed expression that narrows <c>attr.value eq @p</c> lookups before the exact test, as a function of the
/// parameter (<c>emails</c>: users_email_values_idx); null when there is none.
/// </param>
public sealed class JsonArrayStorage(string column, Func<string, string>? valueIndex = null) : AttributeStorage
{
    public string Column => column;

    public override IEnumerable<string> Columns => [column];

    /// <summary>The items; NULL or a non-array (never written, but cheap to guard) is no items.</summary>
    string Items => $"CASE WHEN jsonb_typeof({Sql.Resource}.{column}) = 'array' THEN {Sql.Resource}.{column} ELSE '[]'::jsonb END";

    public override void Read(ColumnSet columns, AttributeDef attribute, JsonElement value, string where, ValueLimits limits) =>
        columns.Set(column, ScimValues.ToJsonArray(attribute, value, where, limits)?.Json, jsonb: true);

    public override bool HasValue(AttributeDef attribute, ResourceRow row) => row.Column(column) is not null;

    public override void Write(Utf8JsonWriter w, SchemaDef schema, AttributeDef attribute, ResourceRow row, Projection projection, string baseUrl)
    {
        if (row.Column(column) is not string json)
            return;
        w.WritePropertyName(attribute.Name);
        if (attribute.SubAttributes.All(sub => projection.Includes(schema, attribute, sub)))
        {
            w.WriteRawValue(json, skipInputValidation: true);
            return;
        }
        using var document = JsonDocument.Parse(json);
        w.WriteStartArray();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            w.WriteStartObject();
            foreach (var property in item.EnumerateObject())
            {
                if (attribute.Sub(property.Name) is { } sub && projection.Includes(schema, attribute, sub))
                    property.WriteTo(w);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public override void Patch(UpdatePlan plan, PatchStep step) => new JsonArrayPatch(plan, step, column).Apply();

    /// <summary>A sub-attribute of the current item <c>e</c>.</summary>
    static Operand Item(AttributeDef attribute, AttributeDef sub)
    {
        var name = $"{attribute.Name}.{sub.Name}";
        var key = Sql.Literal(sub.Name);
        return sub.Type == AttrType.Boolean
            ? new Operand(name, $"e->{key}", OperandKind.JsonBoolean)
            : new Operand(name, $"e->>{key}", Operands.KindOf(sub.Type), sub.CaseExact);
    }

    string Exists(string? condition) => condition is null
        ? $"jsonb_array_length({Items}) > 0"
        : $"EXISTS (SELECT 1 FROM jsonb_array_elements({Items}) e WHERE {condition})";

    /// <summary><c>emails.value eq "x"</c>: some item matches. <c>emails eq "x"</c> reads as <c>emails.value</c>.</summary>
    public override string Filter(FilterCompilation c, AttributeDef attribute, AttributeDef? sub, CompareOp? op, FilterValue? value)
    {
        if (sub is null && op is null)
            return Exists(null);
        sub ??= attribute.Sub("value") ?? throw c.Error(NeedsSub(attribute, ""));
        var item = Item(attribute, sub);
        if (value is NullValue && op is CompareOp.Eq or CompareOp.Ne)
        {
            var present = Exists(SqlPredicates.Present(item));
            return op == CompareOp.Eq ? $"NOT {present}" : present;
        }
        return WithValueIndex(c, [Lookup(sub.Name, op, value)], Exists(SqlPredicates.Compare(item, op, value, c.Parameters)));
    }

    /// <summary><c>emails[type eq "work" and value co "@x.com"]</c>: one item satisfies the whole inner filter.</summary>
    public override string ValuePath(FilterCompilation c, AttributeDef attribute, FilterNode inner) =>
        WithValueIndex(c, FilterNode.Conjuncts(inner).OfType<CompareNode>().Select(t => t.Path.Urn is null && t.Path.Sub is null ? Lookup(t.Path.Name, t.Op, t.Value) : null),
            Exists(c.Node(inner, attribute)));

    public override string InScope(FilterCompilation c, AttributeDef attribute, AttrPathRef path, CompareOp? op, FilterValue? value) =>
        SqlPredicates.Compare(Item(attribute, c.SubOf(attribute, path)), op, value, c.Parameters);

    /// <summary>The looked-up value of a <c>value eq "x"</c> term, which <c>valueIndex</c> may serve; null for any other.</summary>
    static string? Lookup(string sub, CompareOp? op, FilterValue? value) =>
        op == CompareOp.Eq && string.Equals(sub, "value", StringComparison.OrdinalIgnoreCase)
            ? value switch { StringValue s => s.Value, NumberValue n => n.Raw, _ => null }
            : null;

    /// <summary>ANDs the indexed expression of each looked-up value before the exact test.</summary>
    string WithValueIndex(FilterCompilation c, IEnumerable<string?> lookups, string exists)
    {
        if (valueIndex is null)
            return exists;
        var guards = lookups.OfType<string>().Select(v => valueIndex(c.Parameters.Add(v))).ToList();
        return guards.Count == 0 ? exists : $"({string.Join(" AND ", guards)} AND {exists})";
    }

    /// <summary>The value of the primary item, else of the first (RFC 7644 §3.4.2.3).</summary>
    public override string SortKey(AttributeDef attribute, AttributeDef? sub)
    {
        var item = Item(attribute, sub ?? attribute.Sub("value") ?? throw ScimException.InvalidValue(NeedsSub(attribute, " to sort by")));
        return Operands.Collated($"(SELECT {Operands.Value(item)} FROM jsonb_array_elements({Items}) WITH ORDINALITY AS x(e, n) " +
                                 "ORDER BY (e->'primary' = 'true'::jsonb) DESC NULLS LAST, x.n LIMIT 1)", item);
    }

    public override bool IsMultiValued(AttributeDef attribute) => true;

    public override string Presence(AttributeDef attribute) => $"{Sql.Resource}.{column} IS NOT NULL";
}
