using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Store.Kinds;

/// <summary>
/// A custom attribute declared in <c>Scim:Extensions</c>: key <c>name</c> under its URN in the resource's jsonb
/// <c>extensions</c> column, <c>r.extensions -> 'urn' ->> 'attr'</c> cast to the declared type. URNs and names come
/// from the validated declarations (never from a request), so they are literals: the compiled filter is then the very
/// expression a DBA indexes, <c>lower(extensions -> 'urn:…:User' ->> 'costCode')</c>. Items of multi-valued ones are
/// <c>e.j</c>. A POST or PUT writes the whole document at once (<see cref="ExtensionValues"/>); a PATCH rewrites one key
/// (<see cref="ExtensionPatch"/>).
/// </summary>
public sealed class ExtensionStorage(string urn) : AttributeStorage
{
    /// <summary>The jsonb column of custom attributes, in <c>users</c> and <c>groups</c> (sql/0005_extensions.sql).</summary>
    public const string Column = "extensions";

    public override IEnumerable<string> Columns => [Column];

    /// <summary>The value as jsonb (an array when multi-valued).</summary>
    public static string Json(AttributeDef attribute, string document = Sql.Resource + "." + Column) =>
        $"{document} -> {Sql.Literal(attribute.ExtensionUrn!)} -> {Sql.Literal(attribute.Name)}";

    /// <summary>A single-valued attribute as a filter/sort operand; for a multi-valued one, its first item.</summary>
    static Operand Operand(AttributeDef attribute) => attribute.MultiValued
        ? Typed(attribute, $"{Json(attribute)} -> 0", $"{Json(attribute)} ->> 0")
        : Typed(attribute, Json(attribute), $"{Sql.Resource}.{Column} -> {Sql.Literal(attribute.ExtensionUrn!)} ->> {Sql.Literal(attribute.Name)}");

    /// <summary>One item (<c>e.j</c>) of a multi-valued attribute.</summary>
    static Operand Item(AttributeDef attribute) => Typed(attribute, "e.j", "e.j #>> '{}'");

    /// <summary>The items of a multi-valued attribute as rows <c>e(j, o)</c>; none when absent.</summary>
    public static string Items(AttributeDef attribute, string document = Sql.Resource + "." + Column) =>
        $"jsonb_array_elements(CASE WHEN jsonb_typeof({Json(attribute, document)}) = 'array' THEN {Json(attribute, document)} ELSE '[]'::jsonb END) WITH ORDINALITY AS e(j, o)";

    static string Exists(AttributeDef attribute, string? condition) =>
        $"EXISTS (SELECT 1 FROM {Items(attribute)}{(condition is null ? "" : $" WHERE {condition}")})";

    public override bool HasValue(AttributeDef attribute, ResourceRow row) =>
        row.Document(Column, urn, attribute.Name).ValueKind != JsonValueKind.Undefined;

    public override void Write(Utf8JsonWriter w, SchemaDef schema, AttributeDef attribute, ResourceRow row, Projection projection, string baseUrl)
    {
        if (row.Document(Column, urn, attribute.Name) is { ValueKind: not JsonValueKind.Undefined } value)
        {
            w.WritePropertyName(attribute.Name);
            value.WriteTo(w);
        }
    }

    public override void Patch(UpdatePlan plan, PatchStep step) => ExtensionPatch.Apply(plan, step);

    /// <summary>A filter leaf on a custom attribute (<c>costCode eq "C-17"</c>, <c>badges eq "x"</c> = some item is "x").</summary>
    public override string Filter(FilterCompilation c, AttributeDef attribute, AttributeDef? sub, CompareOp? op, FilterValue? value)
    {
        if (sub is not null)
            throw c.Error($"'{attribute.Name}' has no sub-attributes.");
        if (!attribute.MultiValued)
            return SqlPredicates.Compare(Operand(attribute), op, value, c.Parameters);
        if (op is null)
            return Exists(attribute, null);
        var item = Item(attribute);
        if (value is NullValue && op is CompareOp.Eq or CompareOp.Ne)
        {
            var present = Exists(attribute, SqlPredicates.Present(item));
            return op == CompareOp.Eq ? $"NOT {present}" : present;
        }
        return Exists(attribute, SqlPredicates.Compare(item, op, value, c.Parameters));
    }

    public override string ValuePath(FilterCompilation c, AttributeDef attribute, FilterNode inner) => attribute.MultiValued
        ? Exists(attribute, c.Node(inner, attribute))
        : base.ValuePath(c, attribute, inner);

    /// <summary>Inside <c>badges[value sw "a"]</c>: <c>value</c> is the item itself.</summary>
    public override string InScope(FilterCompilation c, AttributeDef attribute, AttrPathRef path, CompareOp? op, FilterValue? value)
    {
        if (!attribute.MultiValued || path.Urn is not null || path.Sub is not null || !string.Equals(path.Name, "value", StringComparison.OrdinalIgnoreCase))
            throw c.Error($"Inside '{attribute.Name}[...]' compare 'value', the item itself.");
        return SqlPredicates.Compare(Item(attribute), op, value, c.Parameters);
    }

    public override string SortKey(AttributeDef attribute, AttributeDef? sub) => Operands.SortValue(Operand(attribute));

    public override bool IsMultiValued(AttributeDef attribute) => attribute.MultiValued;

    /// <summary><c>schemas eq "urn"</c> for a declared extension: the resource has a value under it.</summary>
    public override string Presence(AttributeDef attribute) => $"({Sql.Resource}.{Column} -> {Sql.Literal(urn)}) IS NOT NULL";

    /// <summary>
    /// The value (<paramref name="json"/>, as text <paramref name="text"/>) in its declared type. A stored value of
    /// another JSON type (written while the attribute was declared differently: "abc" under an integer) reads as NULL,
    /// absent to filters and sorts, where a plain cast would fail every query that touches it
    /// (<c>ScimLite extensions check</c> lists such values). Text is read as it is, so the compiled expression stays
    /// the one the index in docs/identity-providers.md is built on.
    /// </summary>
    static Operand Typed(AttributeDef attribute, string json, string text) => attribute.Type switch
    {
        AttrType.Boolean => new Operand(attribute.Name, $"(CASE WHEN jsonb_typeof({json}) = 'boolean' THEN ({text})::boolean END)", OperandKind.Boolean),
        AttrType.Integer or AttrType.Decimal =>
            new Operand(attribute.Name, $"(CASE WHEN jsonb_typeof({json}) = 'number' THEN ({text})::numeric END)", OperandKind.Numeric),
        // A dateTime is a JSON string; scim_try_timestamptz (sql/0011_extension_limits.sql) is NULL for text that is none.
        AttrType.DateTime => new Operand(attribute.Name, $"(CASE WHEN jsonb_typeof({json}) = 'string' THEN scim_try_timestamptz({text}) END)", OperandKind.DateTime),
        _ => new Operand(attribute.Name, $"({text})", OperandKind.Text, attribute.CaseExact),
    };
}
