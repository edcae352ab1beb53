using System.Collections.Concurrent;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Sql;

/// <summary>A sub-attribute of a single-valued complex attribute that SQL computes (manager.displayName).</summary>
/// <param name="Kind">How it compares in filters and sorts; null when it is only returned, never filtered (a $ref).</param>
public sealed record ComputedPart(ResolvedPath Path, string Sql, OperandKind? Kind);

/// <summary>
/// A multi-valued attribute computed from other tables (User.groups, Group.members): the FROM/WHERE of its items for
/// the current resource <c>r</c>, the SQL of each filterable sub-attribute over one item, and the JSON array returned.
/// </summary>
public sealed record LinkSql(ResolvedPath Path, string Source, string FirstItemOrder, string Json, IReadOnlyList<Operand> Items)
{
    /// <summary>One item as JSON, and the order of the items.</summary>
    public required string ItemJson { get; init; }

    /// <summary>The items' ORDER BY (without the keywords).</summary>
    public required string ItemOrder { get; init; }

    /// <summary>
    /// Read item by item and written as the rows arrive (<see cref="LinkItems"/>) rather than aggregated into one JSON
    /// string, where responses can stream: for attributes whose size has no bound (a group's members).
    /// </summary>
    public bool Streamed { get; init; }

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

    /// <summary>The sub-attribute over one item, or null when it cannot be filtered (a $ref).</summary>
    public Operand? Item(string name, AttributeDef sub) =>
        Items.FirstOrDefault(i => string.Equals(i.Name, sub.Name, StringComparison.OrdinalIgnoreCase)) is { } item ? item with { Name = name } : null;
}

/// <summary>
/// The SQL map of one resource type: the stored columns (derived from the schema definitions, never retyped), the SQL
/// of every computed attribute, and the SELECT for a projection. <c>Users/UserSql.cs</c> and <c>Groups/GroupSql.cs</c>
/// define one each and <see cref="ResourceTypeDef.Sql"/> carries it: the filter and sort compilers, the writer, list
/// pages and the stores ask it, so no generic code names a User or Group attribute. Every expression is over the
/// resource row <c>r</c>; computed values are selected under their attribute path (<c>"manager.displayName"</c>).
/// </summary>
public abstract class ResourceSql
{
    /// <summary>Bookkeeping column behind meta.version (an ETag, not a stored attribute).</summary>
    public const string VersionColumn = "version";

    /// <summary>
    /// The next version of <paramref name="column"/>: one more, and 1 after bigint's maximum, so a version that reached
    /// it (only a hand-edited row can) wraps instead of failing every later write with a numeric overflow.
    /// </summary>
    public static string NextVersion(string column = VersionColumn) => $"({column} % {long.MaxValue} + 1)";
    public static readonly string IdColumn = CoreSchemas.Id.Column!;
    public static readonly string CreatedColumn = CoreSchemas.Meta.Sub("created")!.Column!;
    public static readonly string LastModifiedColumn = CoreSchemas.Meta.Sub("lastModified")!.Column!;

    IReadOnlyList<ComputedPart>? parts;
    IReadOnlyList<LinkSql>? links;

    protected ResourceSql(ResourceTypeDef type)
    {
        Type = type;
        Columns = [.. StoredColumns(type).Distinct(), VersionColumn,
            .. type.Extensions.Any(e => e.Attributes.Any(a => a.Storage == Storage.Extension)) ? [Extensions.ExtensionSql.Column] : Array.Empty<string>()];
    }

    public ResourceTypeDef Type { get; }

    public string Table => Type.Table;

    /// <summary>Every column the type's schemas store an attribute in (Column, JsonArray, parts of Parts), and version.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Computed sub-attributes; defined lazily, so a map may refer to other resource types.</summary>
    public IReadOnlyList<ComputedPart> Parts => parts ??= [.. DefineParts()];

    /// <summary>Computed multi-valued attributes.</summary>
    public IReadOnlyList<LinkSql> Links => links ??= [.. DefineLinks()];

    protected abstract IEnumerable<ComputedPart> DefineParts();

    protected abstract IEnumerable<LinkSql> DefineLinks();

    /// <summary>
    /// An indexed expression that narrows <c>attr.value eq @p</c> lookups before the exact test, as a function of the
    /// parameter; null when the attribute has none.
    /// </summary>
    public virtual Func<string, string>? ValueIndex(AttributeDef attribute) => null;

    /// <summary>Completes the columns a POST or PUT body was read into with the columns derived from them.</summary>
    public virtual void Complete(ColumnSet columns)
    {
    }

    /// <summary>Completes the columns a PATCH touched with the columns derived from them.</summary>
    public virtual void Complete(ColumnPatcher patcher)
    {
    }

    /// <summary><c>SELECT ... FROM table r</c>: computed attributes only when the projection returns them.</summary>
    /// <param name="streamed">Leave out the <see cref="StreamedLink"/>: the caller reads it with <see cref="LinkItems"/>.</param>
    public string Select(Projection projection, bool streamed = false) => SelectWhere(projection, null, streamed);

    /// <summary>
    /// <c>SELECT ... FROM table r WHERE <paramref name="where"/></c> (a constant condition, e.g. <c>r.id = @id</c>). For
    /// the default projection, which nearly every request asks for, the statement is built once and the same string
    /// returned each time: a GET by id then builds no SQL, and Dapper's and Npgsql's statement caches find it at once.
    /// </summary>
    public string SelectWhere(Projection projection, string? where, bool streamed = false) =>
        ReferenceEquals(projection, Projection.Default)
            ? defaultStatements.GetOrAdd((where ?? "", streamed), key => BuildSelect(Projection.Default, key.Where, key.Streamed))
            : BuildSelect(projection, where, streamed);

    readonly ConcurrentDictionary<(string Where, bool Streamed), string> defaultStatements = new();

    string BuildSelect(Projection projection, string? where, bool streamed) =>
        string.IsNullOrEmpty(where)
            ? $"SELECT {SelectList(projection, streamed)} FROM {Table} r"
            : $"SELECT {SelectList(projection, streamed)} FROM {Table} r WHERE {where}";

    /// <summary>The computed attribute read item by item when a response streams, if the projection returns it.</summary>
    public LinkSql? StreamedLink(Projection projection) =>
        Links.FirstOrDefault(l => l.Streamed && projection.Includes(l.Path.Schema, l.Path.Attribute));

    /// <summary>The select list alone, for <c>RETURNING</c>.</summary>
    public string SelectList(Projection projection, bool streamed = false)
    {
        var list = Columns.Select(c => "r." + c).ToList();
        foreach (var part in Parts)
        {
            var (schema, attribute, sub) = part.Path;
            if (projection.Includes(schema, attribute) && projection.Includes(schema, attribute, sub!))
                list.Add($"{part.Sql} AS {Alias(attribute, sub)}");
        }
        foreach (var link in Links)
        {
            if (projection.Includes(link.Path.Schema, link.Path.Attribute) && !(streamed && link.Streamed))
                list.Add($"{link.Json} AS {Alias(link.Path.Attribute, null)}");
        }
        return string.Join(", ", list);
    }

    /// <summary>A computed sub-attribute of a single-valued complex attribute as a filter/sort operand, or null.</summary>
    public Operand? PartOperand(AttributeDef attribute, AttributeDef sub)
    {
        var name = $"{attribute.Name}.{sub.Name}";
        if (ReferenceEquals(sub, CoreSchemas.ResourceType))
            return new Operand(name, $"'{Type.Name}'", OperandKind.Text, CaseExact: true);
        var part = Parts.FirstOrDefault(p => ReferenceEquals(p.Path.Attribute, attribute) && ReferenceEquals(p.Path.Sub, sub));
        return part?.Kind is { } kind ? new Operand(name, part.Sql, kind, sub.CaseExact) : null;
    }

    /// <summary>The SQL of a computed multi-valued attribute.</summary>
    public LinkSql Link(AttributeDef attribute) =>
        Links.FirstOrDefault(l => ReferenceEquals(l.Path.Attribute, attribute))
        ?? throw new InvalidOperationException($"The {Type.Name} SQL map does not compute '{attribute.Name}'.");

    /// <summary>The name a computed value is selected under, and looked up by in a <see cref="ResourceRow"/>.</summary>
    public static string Key(AttributeDef attribute, AttributeDef? sub) => sub is null ? attribute.Name : $"{attribute.Name}.{sub.Name}";

    static string Alias(AttributeDef attribute, AttributeDef? sub) => $"\"{Key(attribute, sub)}\"";

    protected ComputedPart Part(string path, string sql, OperandKind? kind = null) =>
        new(Resolve(path), sql, kind);

    /// <param name="jsonItem">One item as <c>json_build_object(...)</c>.</param>
    /// <param name="itemOrder">The order of the items in the returned array.</param>
    protected LinkSql Link(string attribute, string source, string firstItemOrder, string jsonItem, string itemOrder, params Operand[] items) =>
        new(Resolve(attribute), source, firstItemOrder, $"(SELECT json_agg({jsonItem} ORDER BY {itemOrder}) {source})", items)
        {
            ItemJson = jsonItem,
            ItemOrder = itemOrder,
        };

    ResolvedPath Resolve(string path) =>
        Type.Resolve(path) ?? throw new InvalidOperationException($"The {Type.Name} resource type has no attribute '{path}'.");

    static IEnumerable<string> StoredColumns(ResourceTypeDef type) =>
        ResourceTypeDef.Common.Concat(type.AllSchemas.SelectMany(s => s.Attributes))
            .SelectMany(a => a.Storage == Storage.Parts ? a.SubAttributes : [a])
            .Where(a => a.Storage is Storage.Column or Storage.JsonArray && a.Column is not null)
            .Select(a => a.Column!);
}
