using System.Collections.Concurrent;
using System.Text;
using ScimLite.Scim;
using ScimLite.Scim.Schema;
using ScimLite.Store.Kinds;

namespace ScimLite.Store;

/// <summary>
/// Where one resource type's attributes are kept: the storage kind of each (<see cref="AttributeStorage"/>), the
/// columns of its table, and the SELECT of a projection. The map follows one convention — a simple attribute is the
/// column of its name in snake_case (<c>userName</c>: <c>user_name</c>), a multi-valued complex one a jsonb array
/// column, a single-valued complex one its sub-attributes' columns, a declared custom attribute a key of the
/// <c>extensions</c> column — and each feature's map (Users/UserMap.cs, Groups/GroupMap.cs) says where its type
/// departs from it. Features register their map through DI (<see cref="ResourceMaps"/>); no generic code names a
/// User or Group attribute.
/// </summary>
public abstract class ResourceMap
{
    /// <summary>Attribute definitions are records; a map looks them up as the very definitions of its type.</summary>
    internal static readonly IEqualityComparer<AttributeDef> ByReference = (IEqualityComparer<AttributeDef>)ReferenceEqualityComparer.Instance;

    readonly Lazy<IReadOnlyDictionary<AttributeDef, AttributeStorage>> storages;
    readonly Lazy<IReadOnlyList<(SchemaDef Schema, AttributeDef Attribute, LinkStorage Link)>> links;
    readonly Lazy<IReadOnlyList<string>> columns;
    readonly ConcurrentDictionary<(string Where, bool Streamed), string> defaultStatements = new();
    // The RETURNING list of writes, which nearly always return the default projection.
    readonly ConcurrentDictionary<bool, string> defaultSelectLists = new();

    protected ResourceMap(ResourceTypeDef type)
    {
        Type = type;
        storages = new(() => type.AllAttributes.ToDictionary(x => x.Attribute, x => Define(x.Schema, x.Attribute) ?? Convention(x.Attribute),
            ByReference));
        columns = new(() => [.. storages.Value.Values.SelectMany(s => s.Columns).Distinct(), Sql.VersionColumn]);
        links = new(() => [.. type.AllAttributes.Where(x => Storage(x.Attribute) is LinkStorage).Select(x => (x.Schema, x.Attribute, (LinkStorage)Storage(x.Attribute)))]);
    }

    public ResourceTypeDef Type { get; }

    public string Table => Type.Table;

    /// <summary>How <paramref name="attribute"/> (a top-level attribute of this type) is kept.</summary>
    public AttributeStorage Storage(AttributeDef attribute) =>
        storages.Value.TryGetValue(attribute, out var storage)
            ? storage
            : throw new InvalidOperationException($"The {Type.Name} map has no storage for '{attribute.Name}'.");

    /// <summary>Every column of the table a response reads (the stored attributes' and version).</summary>
    public IReadOnlyList<string> Columns => columns.Value;

    /// <summary>Where this type departs from the convention for <paramref name="attribute"/>; null: the convention.</summary>
    protected virtual AttributeStorage? Define(SchemaDef schema, AttributeDef attribute) => null;

    /// <summary>Completes the columns a POST or PUT body was read into with the columns derived from them.</summary>
    public virtual void Complete(ColumnSet columns)
    {
    }

    /// <summary>Completes the columns a PATCH touched with the columns derived from them.</summary>
    public virtual void Complete(UpdatePlan plan)
    {
    }

    AttributeStorage Convention(AttributeDef attribute)
    {
        if (attribute.ExtensionUrn is not null)
            return new ExtensionStorage(attribute.ExtensionUrn);
        if (ReferenceEquals(attribute, CoreSchemas.Id))
            return new ColumnStorage("id", uuid: true);
        if (ReferenceEquals(attribute, CoreSchemas.Meta))
            return new PartsStorage(new Dictionary<AttributeDef, AttributeStorage>(ByReference)
            {
                [attribute.Sub("created")!] = new ColumnStorage("created"),
                [attribute.Sub("lastModified")!] = new ColumnStorage("last_modified"),
                [CoreSchemas.ResourceType] = new ConstantStorage(Type.Name),
            }, alwaysPresent: true);
        if (attribute.Type != AttrType.Complex)
            return new ColumnStorage(SnakeCase(attribute.Name));
        if (attribute.MultiValued)
            return new JsonArrayStorage(SnakeCase(attribute.Name));
        return Parts(attribute);
    }

    /// <summary>
    /// A single-valued complex attribute over columns named after its sub-attributes; <paramref name="parts"/> gives
    /// the ones kept otherwise (a computed one, or a column of another name).
    /// </summary>
    protected static PartsStorage Parts(AttributeDef attribute, params (string Sub, AttributeStorage Storage)[] parts)
    {
        var map = new Dictionary<AttributeDef, AttributeStorage>(ByReference);
        foreach (var sub in attribute.SubAttributes)
            map[sub] = parts.FirstOrDefault(p => sub.Is(p.Sub)).Storage ?? new ColumnStorage(SnakeCase(sub.Name));
        return new PartsStorage(map);
    }

    /// <summary><c>givenName</c> → <c>given_name</c>, <c>x509Certificates</c> → <c>x509_certificates</c>.</summary>
    public static string SnakeCase(string name)
    {
        var text = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c))
                text.Append('_').Append(char.ToLowerInvariant(c));
            else
                text.Append(c);
        }
        return text.ToString();
    }

    /// <summary>SQL that holds when a resource has a value under the extension <paramref name="schema"/>.</summary>
    public string Presence(SchemaDef schema)
    {
        var presences = schema.Attributes.Select(a => Storage(a).Presence(a)).OfType<string>().Distinct().ToList();
        return presences.Count == 0 ? "false" : "(" + string.Join(" OR ", presences) + ")";
    }

    /// <summary>The link attribute read item by item when a response streams, if the projection returns it.</summary>
    public (AttributeDef Attribute, LinkStorage Link)? StreamedLink(Projection projection) =>
        links.Value.FirstOrDefault(l => l.Link.Streamed && projection.Includes(l.Schema, l.Attribute)) is { Link: not null } found
            ? (found.Attribute, found.Link)
            : null;

    /// <summary>
    /// The select list of a projection: every column, then the computed values it returns under their path
    /// (<c>"manager.displayName"</c>, <c>"groups"</c>); a streamed link is left to <see cref="LinkItems"/>.
    /// </summary>
    public string SelectList(Projection projection, bool streamed = false) =>
        ReferenceEquals(projection, Projection.Default)
            ? defaultSelectLists.GetOrAdd(streamed, s => BuildSelectList(Projection.Default, s))
            : BuildSelectList(projection, streamed);

    string BuildSelectList(Projection projection, bool streamed)
    {
        var list = Columns.Select(c => $"{Sql.Resource}.{c}").ToList();
        foreach (var (schema, attribute) in Type.AllAttributes.Where(x => projection.Includes(x.Schema, x.Attribute)))
            list.AddRange(Storage(attribute).Selections(schema, attribute, null, projection, streamed));
        return string.Join(", ", list);
    }

    /// <summary>
    /// <c>SELECT ... FROM table r [WHERE where]</c>. For the default projection, which nearly every request asks for,
    /// the statement is built once and the same string returned each time: a GET by id then builds no SQL, and Dapper's
    /// and Npgsql's statement caches find it at once.
    /// </summary>
    public string Select(Projection projection, string? where = null, bool streamed = false) =>
        ReferenceEquals(projection, Projection.Default)
            ? defaultStatements.GetOrAdd((where ?? "", streamed), key => BuildSelect(Projection.Default, key.Where, key.Streamed))
            : BuildSelect(projection, where, streamed);

    string BuildSelect(Projection projection, string? where, bool streamed) =>
        string.IsNullOrEmpty(where)
            ? $"SELECT {SelectList(projection, streamed)} FROM {Table} {Sql.Resource}"
            : $"SELECT {SelectList(projection, streamed)} FROM {Table} {Sql.Resource} WHERE {where}";
}
