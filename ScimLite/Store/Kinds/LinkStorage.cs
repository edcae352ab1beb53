using System.Text.Json;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Patch;
using ScimLite.Scim.Schema;

namespace ScimLite.Store.Kinds;

/// <summary>
/// A multi-valued attribute computed from the link table (<c>User.groups</c>, <c>Group.members</c>): the FROM/WHERE of
/// its items for the current resource, the SQL of each filterable sub-attribute over one item, and the JSON of an
/// item. Read as one JSON array per resource, or item by item as a response is written (<see cref="Streamed"/>).
/// </summary>
public sealed class LinkStorage : AttributeStorage
{
    /// <summary>Memberships have no primary item; the first (for sortBy members.value, groups.display) is the oldest.</summary>
    public const string FirstLinkOrder = "l.created, l.group_id, coalesce(l.user_id, l.member_group_id)";

    /// <param name="source">The items of the resource <c>r</c>: <c>FROM link l … WHERE … = r.id</c>.</param>
    /// <param name="firstItemOrder">Which item comes first (for sortBy): there is no primary item.</param>
    /// <param name="itemJson">One item as <c>json_build_object(...)</c>.</param>
    /// <param name="itemOrder">The order of the items in a response.</param>
    /// <param name="items">The sub-attributes a filter can name, over one item.</param>
    public LinkStorage(string source, string firstItemOrder, string itemJson, string itemOrder, params Operand[] items)
    {
        Source = source;
        FirstItemOrder = firstItemOrder;
        ItemJson = itemJson;
        ItemOrder = itemOrder;
        Items = items;
    }

    public string Source { get; }

    public string FirstItemOrder { get; }

    public string ItemJson { get; }

    public string ItemOrder { get; }

    public IReadOnlyList<Operand> Items { get; }

    /// <summary>
    /// Read item by item and written as the rows arrive (<see cref="LinkItems"/>) rather than aggregated into one JSON
    /// string, where responses can stream: for attributes whose size has no bound (a group's members).
    /// </summary>
    public bool Streamed { get; init; }

    /// <summary>What a client changes instead of this read-only side of the link (User.groups: the Group's members).</summary>
    public string? ReadOnlyHint { get; init; }

    public override string? ReadOnlyReason => ReadOnlyHint;

    /// <summary>A PATCH step on a writable link, as a change of the link table; null: the attribute is read-only.</summary>
    public Func<PatchStep, LinkChange>? Change { get; init; }

    /// <summary>The whole array as one JSON value (NULL without items), for a select list.</summary>
    public string Json => $"(SELECT json_agg({ItemJson} ORDER BY {ItemOrder}) {Source})";

    /// <summary>
    /// The items of every resource in <c>@link_ids</c> (a uuid[]), one row each: the resource's position in the array
    /// (from 1), then the item's JSON as UTF-8 bytes (copied into one reused buffer, where text would be a string per
    /// item); in array order, then item order.
    /// </summary>
    public string ItemsQuery => $"""
        SELECT r.n, x.item FROM unnest(@link_ids::uuid[]) WITH ORDINALITY AS r(id, n)
         CROSS JOIN LATERAL (SELECT convert_to(({ItemJson})::text, 'UTF8') AS item, row_number() OVER (ORDER BY {ItemOrder}) AS k {Source}) x
         ORDER BY r.n, x.k
        """;

    public override void Write(Utf8JsonWriter w, SchemaDef schema, AttributeDef attribute, ResourceRow row, Projection projection)
    {
        // No items: unassigned, so left out like any empty multi-valued attribute (RFC 7643 §2.5).
        if (row.Computed(attribute, null) is string json)
        {
            w.WritePropertyName(attribute.Name);
            w.WriteRawValue(json, skipInputValidation: true);
        }
    }

    public override void Patch(UpdatePlan plan, PatchStep step)
    {
        if (Change is null)
            throw ScimException.Mutability($"{step.Where}: '{step.Attribute.Name}' is readOnly.");
        plan.Add(Change(step));
    }

    /// <summary>A sub-attribute over one item.</summary>
    Operand Item(FilterCompilation c, AttributeDef attribute, AttributeDef sub) =>
        Items.FirstOrDefault(i => sub.Is(i.Name)) is { } item
            ? item with { Name = $"{attribute.Name}.{sub.Name}" }
            : throw c.Error($"The attribute '{attribute.Name}.{sub.Name}' cannot be filtered or sorted on.");

    string Exists(string? condition) => condition is null ? $"EXISTS (SELECT 1 {Source})" : $"EXISTS (SELECT 1 {Source} AND {condition})";

    public override string Filter(FilterCompilation c, AttributeDef attribute, AttributeDef? sub, CompareOp? op, FilterValue? value)
    {
        if (sub is null && op is null)
            return Exists(null);
        var item = Item(c, attribute, sub ?? attribute.Sub("value")!);
        if (value is NullValue && op is CompareOp.Eq or CompareOp.Ne)
        {
            var present = Exists(SqlPredicates.Present(item));
            return op == CompareOp.Eq ? $"NOT {present}" : present;
        }
        return Exists(SqlPredicates.Compare(item, op, value, c.Parameters));
    }

    public override string ValuePath(FilterCompilation c, AttributeDef attribute, FilterNode inner) => Exists(c.Node(inner, attribute));

    /// <summary>Inside <c>members[value eq "id"]</c>, over the link row (also a PATCH's remove of the members it selects).</summary>
    public override string InScope(FilterCompilation c, AttributeDef attribute, AttrPathRef path, CompareOp? op, FilterValue? value) =>
        SqlPredicates.Compare(Item(c, attribute, c.SubOf(attribute, path)), op, value, c.Parameters);

    /// <summary>The value of the first item (<see cref="FirstItemOrder"/>).</summary>
    public override string SortKey(AttributeDef attribute, AttributeDef? sub)
    {
        var item = Item(FilterCompilation.ForSort, attribute, sub ?? attribute.Sub("value")!);
        return Operands.Collated($"(SELECT {Operands.Value(item)} {Source} ORDER BY {FirstItemOrder} LIMIT 1)", item);
    }

    public override bool IsMultiValued(AttributeDef attribute) => true;
}

/// <summary>
/// A change of the link table that a PATCH (or PUT) of a writable link asks for, run in the request's transaction in
/// order with the others; the feature that owns the link defines the cases (Groups/MemberChange.cs).
/// </summary>
public abstract record LinkChange
{
    /// <summary>Runs the change for resource <paramref name="id"/>; returns how many link rows changed.</summary>
    public abstract Task<long> ApplyAsync(Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction tx, Guid id, CancellationToken ct);
}
