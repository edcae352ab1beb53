using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Store.Kinds;

/// <summary>
/// A single-valued complex attribute whose sub-attributes are kept on their own (<c>name</c> over six columns,
/// <c>manager</c> over a column and values computed from the manager's row, <c>meta</c>). Each sub-attribute has a
/// kind of its own; this one writes the object, reads and patches it whole, and filters by its parts.
/// </summary>
/// <param name="parts">The kind of each sub-attribute (those the map leaves out are not kept).</param>
/// <param name="alwaysPresent">Every resource has it (<c>meta</c>): <c>meta pr</c> is true.</param>
public sealed class PartsStorage(IReadOnlyDictionary<AttributeDef, AttributeStorage> parts, bool alwaysPresent = false) : AttributeStorage
{
    public AttributeStorage Part(AttributeDef sub) => parts.GetValueOrDefault(sub) ?? NotStored.Instance;

    /// <summary>The sub-attributes kept in columns of the resource's own table, with their column.</summary>
    readonly (AttributeDef Sub, ColumnStorage Column)[] columnParts =
        [.. parts.Where(p => p.Value is ColumnStorage).Select(p => (p.Key, (ColumnStorage)p.Value))];

    IEnumerable<(AttributeDef Sub, ColumnStorage Column)> ColumnParts => columnParts;

    IEnumerable<(AttributeDef Sub, ColumnStorage Column)> WritableParts => columnParts.Where(p => !p.Sub.IsReadOnly);

    public override IEnumerable<string> Columns => parts.Values.SelectMany(p => p.Columns);

    /// <summary>The computed sub-attributes, selected under their path when projected.</summary>
    public IEnumerable<(AttributeDef Sub, ComputedStorage Computed)> ComputedParts =>
        parts.Where(p => p.Value is ComputedStorage).Select(p => (p.Key, (ComputedStorage)p.Value));

    public override void Read(ColumnSet columns, AttributeDef attribute, JsonElement value, string where, ValueLimits limits)
    {
        if (value.ValueKind == JsonValueKind.String && attribute.AcceptsBareValue && ValuePart(attribute) is var (valueSub, valueColumn))
        {
            valueColumn.Read(columns, valueSub, value, $"{where}.value", limits);
            return;
        }
        if (value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined))
            throw ScimException.InvalidValue($"'{where}' must be an object.");
        foreach (var (sub, column) in WritableParts)
        {
            value.TryGet(sub.Name, out var subValue);
            column.Read(columns, sub, subValue, $"{where}.{sub.Name}", limits);
        }
    }

    /// <summary>The <c>value</c> sub-attribute and its column, for an attribute that may be sent as its bare value.</summary>
    (AttributeDef, ColumnStorage)? ValuePart(AttributeDef attribute) =>
        attribute.Sub("value") is { } sub && Part(sub) is ColumnStorage column ? (sub, column) : null;

    public override bool HasValue(AttributeDef attribute, ResourceRow row) => ColumnParts.Any(p => p.Column.HasValue(p.Sub, row));

    public override void Write(Utf8JsonWriter w, SchemaDef schema, AttributeDef attribute, ResourceRow row, Projection projection, string baseUrl)
    {
        if (!HasValue(attribute, row))
            return;
        w.WriteStartObject(attribute.Name);
        foreach (var sub in attribute.SubAttributes)
        {
            if (!projection.Includes(schema, attribute, sub))
                continue;
            Part(sub).WritePart(w, schema, attribute, sub, row, projection, baseUrl);
        }
        w.WriteEndObject();
    }

    public override void Patch(UpdatePlan plan, PatchStep step)
    {
        if (step.Target.Sub is { } target)
        {
            if (Part(target) is not ColumnStorage column)
                throw ScimException.Mutability($"{step.Where}: '{step.Target}' cannot be written.");
            column.Patch(plan, step, target);
            return;
        }
        // The whole attribute: named sub-attributes are set, unnamed ones left as they are.
        var complex = step.Attribute;
        if (step.Filter is not null || step.ItemSub is not null)
            throw ScimException.InvalidPath($"{step.Where}: '{complex.Name}' is single-valued.");
        if (step.Op == PatchOpKind.Remove || step.Value.ValueKind == JsonValueKind.Null)
        {
            foreach (var (sub, column) in WritableParts)
                plan.Set(sub, column.Column, null);
            return;
        }
        if (step.Value.ValueKind == JsonValueKind.String && complex.AcceptsBareValue && ValuePart(complex) is var (valueSub, valueColumn))
        {
            plan.Set(valueSub, valueColumn.Column, ScimValues.ToColumn(valueSub, step.Value, $"{complex.Name}.value"));
            return;
        }
        if (step.Value.ValueKind != JsonValueKind.Object)
            throw ScimException.InvalidValue($"{step.Where}: the value of '{complex.Name}' must be an object.");
        foreach (var (sub, column) in WritableParts)
        {
            if (step.Value.TryGet(sub.Name, out var subValue))
                plan.Set(sub, column.Column, ScimValues.ToColumn(sub, subValue, $"{complex.Name}.{sub.Name}"));
        }
    }

    public override string Filter(FilterCompilation c, AttributeDef attribute, AttributeDef? sub, CompareOp? op, FilterValue? value)
    {
        if (sub is not null)
            return PartFilter(c, attribute, sub, op, value);
        if (op is null)
            return alwaysPresent ? "true" : "(" + string.Join(" OR ", ColumnParts.Select(p => SqlPredicates.Present(p.Column.Operand(p.Sub.Name, p.Sub)))) + ")";
        throw c.Error(NeedsSub(attribute, ""));
    }

    string PartFilter(FilterCompilation c, AttributeDef attribute, AttributeDef sub, CompareOp? op, FilterValue? value) =>
        Part(sub).PartFilter(c, $"{attribute.Name}.{sub.Name}", sub, op, value);

    public override IEnumerable<string> Selections(SchemaDef schema, AttributeDef attribute, AttributeDef? sub, Projection projection, bool streamed) =>
        attribute.SubAttributes.Where(s => projection.Includes(schema, attribute, s))
            .SelectMany(s => Part(s).Selections(schema, attribute, s, projection, streamed));

    /// <summary>Inside <c>name[givenName eq "x"]</c>: the parts of the one value.</summary>
    public override string ValuePath(FilterCompilation c, AttributeDef attribute, FilterNode inner) => c.Node(inner, attribute);

    public override string InScope(FilterCompilation c, AttributeDef attribute, AttrPathRef path, CompareOp? op, FilterValue? value) =>
        PartFilter(c, attribute, c.SubOf(attribute, path), op, value);

    public override string? SortKey(AttributeDef attribute, AttributeDef? sub)
    {
        if (sub is null)
            throw ScimException.InvalidValue(NeedsSub(attribute, " to sort by"));
        return Part(sub).PartSortKey($"{attribute.Name}.{sub.Name}", sub);
    }

    public override string? Presence(AttributeDef attribute) =>
        ColumnParts.Any() ? string.Join(" OR ", ColumnParts.Select(p => p.Column.Presence(p.Sub))) : null;
}

/// <summary>
/// A sub-attribute SQL computes from other rows (<c>manager.displayName</c> from the manager's row), selected under
/// its path when the projection returns it.
/// </summary>
/// <param name="kind">How it compares in filters and sorts; null when it is only returned (a $ref).</param>
public sealed class ComputedStorage(string sql, OperandKind? kind = null) : AttributeStorage
{
    public string Sql => sql;

    public override Operand? Operand(string name, AttributeDef attribute) =>
        kind is { } known ? new Operand(name, sql, known, attribute.CaseExact) : null;

    public override IEnumerable<string> Selections(SchemaDef schema, AttributeDef attribute, AttributeDef? sub, Projection projection, bool streamed) =>
        [$"{sql} AS \"{ResourceRow.Key(attribute, sub)}\""];

    public override void WritePart(Utf8JsonWriter w, SchemaDef schema, AttributeDef parent, AttributeDef sub, ResourceRow row, Projection projection,
        string baseUrl)
    {
        if (row.Computed(parent, sub) is string computed)
            w.WriteString(sub.Name, computed);
    }
}

/// <summary>A value that is the same for every resource of the type (<c>meta.resourceType</c>): filters fold it.</summary>
public sealed class ConstantStorage(string value) : AttributeStorage
{
    public override Operand Operand(string name, AttributeDef attribute) => new(name, Sql.Literal(value), OperandKind.Text, CaseExact: true);

    /// <summary><c>eq</c>/<c>ne</c> a string fold to true or false (root queries narrow by type with it, RFC 7644 §3.4.2.1).</summary>
    public override string PartFilter(FilterCompilation c, string name, AttributeDef sub, CompareOp? op, FilterValue? compared)
    {
        if (compared is StringValue s && op is CompareOp.Eq or CompareOp.Ne)
            return string.Equals(s.Value, value, StringComparison.OrdinalIgnoreCase) == (op == CompareOp.Eq) ? "true" : "false";
        return base.PartFilter(c, name, sub, op, compared);
    }

    public override string? PartSortKey(string name, AttributeDef sub) => null;
}

/// <summary>
/// A <c>$ref</c>: the URL of the resource whose id a column holds (<c>manager.$ref</c> from <c>manager_id</c>), built
/// from the request's base URL as the response is written.
/// </summary>
public sealed class ReferenceStorage(string endpoint, string idColumn) : AttributeStorage
{
    public override IEnumerable<string> Columns => [idColumn];

    public override void Write(Utf8JsonWriter w, SchemaDef schema, AttributeDef attribute, ResourceRow row, Projection projection, string baseUrl)
    {
        if (row.Column(idColumn) is Guid id)
            w.WriteString(attribute.Name, $"{baseUrl}{endpoint}/{id}");
    }
}
