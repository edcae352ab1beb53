using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Store.Kinds;

/// <summary>
/// Where one attribute of a resource type is kept, and everything that follows from it: how a POST or PUT writes it,
/// how a response reads it, how a PATCH step changes it, how a filter compares it and how a list sorts by it. One
/// subclass per kind of storage (a column, a complex attribute over columns, a jsonb array, a computed link, a custom
/// attribute, a write-only secret); a resource type's <see cref="ResourceMap"/> gives each attribute its kind. What a
/// kind cannot do is refused here, as a SCIM error, once.
/// </summary>
public abstract class AttributeStorage
{
    /// <summary>The columns of the resource's table this attribute is kept in (selected for every response).</summary>
    public virtual IEnumerable<string> Columns => [];

    /// <summary>POST and PUT: the attribute's value from the body (Undefined when absent) into the columns to write.</summary>
    public virtual void Read(ColumnSet columns, AttributeDef attribute, JsonElement value, string where, ValueLimits limits)
    {
    }

    /// <summary>Whether the resource has a value (an unassigned attribute is left out of a response, RFC 7643 §2.5).</summary>
    public virtual bool HasValue(AttributeDef attribute, ResourceRow row) => false;

    /// <summary>Writes the attribute as the projection asks; nothing when it has no value.</summary>
    public virtual void Write(Utf8JsonWriter w, SchemaDef schema, AttributeDef attribute, ResourceRow row, Projection projection, string baseUrl)
    {
    }

    /// <summary>Writes the attribute as sub-attribute <paramref name="sub"/> of the complex <paramref name="parent"/>.</summary>
    public virtual void WritePart(Utf8JsonWriter w, SchemaDef schema, AttributeDef parent, AttributeDef sub, ResourceRow row, Projection projection,
        string baseUrl) => Write(w, schema, sub, row, projection, baseUrl);

    /// <summary>
    /// What the SELECT adds for the attribute (or sub-attribute <paramref name="sub"/>) as projected: computed values,
    /// each under its path (<c>"manager.displayName"</c>); none for what is read from the row's own columns.
    /// </summary>
    /// <param name="streamed">The response streams: a link read item by item is left out.</param>
    public virtual IEnumerable<string> Selections(SchemaDef schema, AttributeDef attribute, AttributeDef? sub, Projection projection, bool streamed) => [];

    /// <summary>The attribute as a filter and sort operand named <paramref name="name"/>; null when it cannot be one.</summary>
    public virtual Operand? Operand(string name, AttributeDef attribute) => null;

    /// <summary>A filter leaf on the attribute as the part <paramref name="name"/> of a complex one.</summary>
    public virtual string PartFilter(FilterCompilation c, string name, AttributeDef sub, CompareOp? op, FilterValue? value) =>
        SqlPredicates.Compare(Operand(name, sub) ?? throw c.Error($"The attribute '{name}' cannot be filtered or sorted on."), op, value, c.Parameters);

    /// <summary>The ORDER BY key of the attribute as the part <paramref name="name"/> of a complex one; null when constant.</summary>
    public virtual string? PartSortKey(string name, AttributeDef sub) =>
        Operand(name, sub) is { } operand ? Operands.SortValue(operand) : throw ScimException.InvalidValue($"The attribute '{name}' cannot be filtered or sorted on.");

    /// <summary>One PATCH step on the attribute (or one of its sub-attributes), as part of the request's update.</summary>
    public virtual void Patch(UpdatePlan plan, PatchStep step) =>
        throw ScimException.InvalidPath($"{step.Where}: '{step.Target}' cannot be patched here.");

    /// <summary>A filter leaf on the attribute (<c>attr op value</c>, <c>attr.sub op value</c>, or <c>pr</c> when op is null).</summary>
    public virtual string Filter(FilterCompilation c, AttributeDef attribute, AttributeDef? sub, CompareOp? op, FilterValue? value) =>
        throw c.Error($"The attribute '{attribute.Name}' cannot be used in a filter.");

    /// <summary><c>attr[inner]</c>: the attribute's items (or parts) that satisfy the inner filter.</summary>
    public virtual string ValuePath(FilterCompilation c, AttributeDef attribute, FilterNode inner) =>
        throw c.Error($"'{attribute.Name}' is not a complex attribute; '[...]' filters the items of one.");

    /// <summary>A leaf inside <c>attr[...]</c> naming a sub-attribute of <paramref name="attribute"/>.</summary>
    public virtual string InScope(FilterCompilation c, AttributeDef attribute, AttrPathRef path, CompareOp? op, FilterValue? value) =>
        throw c.Error($"'{attribute.Name}' is not a complex attribute; '[...]' filters the items of one.");

    /// <summary>The ORDER BY key for <c>sortBy</c>; null when every resource has the same value.</summary>
    public virtual string? SortKey(AttributeDef attribute, AttributeDef? sub) =>
        throw ScimException.InvalidValue($"The attribute '{attribute.Name}' cannot be sorted on.");

    /// <summary>What a client should do instead, when the attribute is read-only and a PATCH names it; null: nothing to add.</summary>
    public virtual string? ReadOnlyReason => null;

    /// <summary>Whether a filter term on it is an EXISTS over items (counted by FilterCost).</summary>
    public virtual bool IsMultiValued(AttributeDef attribute) => false;

    /// <summary>SQL that holds when the attribute has a value (<c>schemas eq "urn:…"</c> of its extension); null: never.</summary>
    public virtual string? Presence(AttributeDef attribute) => null;

    /// <summary>400 invalidFilter / invalidValue naming a sub-attribute to use, for a complex attribute named alone.</summary>
    protected static string NeedsSub(AttributeDef attribute, string what) =>
        $"'{attribute.Name}' is a complex attribute; name a sub-attribute{what}, e.g. '{attribute.Name}.{attribute.SubAttributes[0].Name}'.";
}

/// <summary>An attribute that is not kept (a $ref, built from the id; a type that is always the same).</summary>
public sealed class NotStored : AttributeStorage
{
    public static readonly NotStored Instance = new();
}
