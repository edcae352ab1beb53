using System.Text;
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
    public const string FirstLinkOrder = $"{Sql.Link}.created, {Sql.Link}.group_id, coalesce({Sql.Link}.user_id, {Sql.Link}.member_group_id)";

    /// <param name="source">The items of the resource <c>r</c>: <c>FROM link l … WHERE … = r.id</c>.</param>
    /// <param name="firstItemOrder">Which item comes first (for sortBy): there is no primary item.</param>
    /// <param name="itemOrder">The order of the items in a response.</param>
    /// <param name="endpoint">The endpoint of an item's <c>$ref</c>, given its <c>type</c>.</param>
    /// <param name="value">The item's <c>value</c>, a resource id.</param>
    /// <param name="display">The item's <c>display</c>.</param>
    /// <param name="type">The item's <c>type</c>.</param>
    public LinkStorage(string source, string firstItemOrder, string itemOrder, EndpointOf endpoint, Operand value, Operand display, Operand type)
    {
        Source = source;
        FirstItemOrder = firstItemOrder;
        ItemOrder = itemOrder;
        this.endpoint = endpoint;
        Items = [value, display, type];
    }

    readonly EndpointOf endpoint;

    /// <summary>The endpoint of an item's <c>$ref</c> (<c>/Users</c>), given its <c>type</c> as UTF-8.</summary>
    public delegate string EndpointOf(ReadOnlySpan<byte> type);

    public string Source { get; }

    public string FirstItemOrder { get; }

    public string ItemOrder { get; }

    /// <summary>The sub-attributes a filter can name, over one item: value, display and type.</summary>
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

    /// <summary>The items as one JSON array of value, display and type (NULL without items), for a select list.</summary>
    public string Json => $"(SELECT json_agg(json_build_object('value', {Items[0].Sql}, 'display', {Items[1].Sql}, 'type', {Items[2].Sql}) ORDER BY {ItemOrder}) {Source})";

    /// <summary>
    /// The items of every resource in <c>@link_ids</c> (a uuid[]), one row each: the resource's position in the array
    /// (from 1), then the item's value, and its display and type as UTF-8 bytes (copied into reused buffers, where text
    /// would be a string per item); in array order, then item order.
    /// </summary>
    public string ItemsQuery => $"""
        SELECT r.n, x.value, convert_to(x.display, 'UTF8'), convert_to(x.type, 'UTF8') FROM unnest(@link_ids::uuid[]) WITH ORDINALITY AS r(id, n)
         CROSS JOIN LATERAL (SELECT {Items[0].Sql} AS value, {Items[1].Sql} AS display, {Items[2].Sql} AS type, row_number() OVER (ORDER BY {ItemOrder}) AS k {Source}) x
         ORDER BY r.n, x.k
        """;

    /// <summary>
    /// One item, its <c>$ref</c> built from the request's base URL (as UTF-8) as it is written: nothing is allocated per
    /// item, however many a group has.
    /// </summary>
    /// <param name="display">The item's display as UTF-8; null: JSON null.</param>
    public void WriteItem(Utf8JsonWriter w, ReadOnlySpan<byte> baseUrl, Guid value, ReadOnlySpan<byte> display, bool hasDisplay, ReadOnlySpan<byte> type)
    {
        w.WriteStartObject();
        w.WriteString("value"u8, value);
        var path = endpoint(type);
        var length = baseUrl.Length + path.Length + 1 + 36;
        var reference = length <= 1024 ? stackalloc byte[length] : new byte[length];
        baseUrl.CopyTo(reference);
        var written = baseUrl.Length + Encoding.UTF8.GetBytes(path, reference[baseUrl.Length..]);
        reference[written++] = (byte)'/';
        value.TryFormat(reference[written..], out var id, "D");
        w.WriteString("$ref"u8, reference[..(written + id)]);
        if (hasDisplay)
            w.WriteString("display"u8, display);
        else
            w.WriteNull("display"u8);
        w.WriteString("type"u8, type);
        w.WriteEndObject();
    }

    public override IEnumerable<string> Selections(SchemaDef schema, AttributeDef attribute, AttributeDef? sub, Projection projection, bool streamed) =>
        streamed && Streamed ? [] : [$"{Json} AS \"{ResourceRow.Key(attribute, null)}\""];

    public override void Write(Utf8JsonWriter w, SchemaDef schema, AttributeDef attribute, ResourceRow row, Projection projection, string baseUrl)
    {
        // No items: unassigned, so left out like any empty multi-valued attribute (RFC 7643 §2.5).
        if (row.Computed(attribute, null) is not string json)
            return;
        using var items = JsonDocument.Parse(json);
        var url = Encoding.UTF8.GetBytes(baseUrl);
        w.WriteStartArray(attribute.Name);
        foreach (var item in items.RootElement.EnumerateArray())
        {
            var display = item.GetProperty("display").GetString();
            WriteItem(w, url, item.GetProperty("value").GetGuid(), display is null ? default : Encoding.UTF8.GetBytes(display), display is not null,
                Encoding.UTF8.GetBytes(item.GetProperty("type").GetString()!));
        }
        w.WriteEndArray();
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
