namespace ScimLite.Scim.Schema;

/// <summary>An attribute path resolved against a resource type: <c>name.givenName</c> → (User, name, givenName).</summary>
public sealed record ResolvedPath(SchemaDef Schema, AttributeDef Attribute, AttributeDef? Sub)
{
    public override string ToString() => Sub is null ? Attribute.Name : $"{Attribute.Name}.{Sub.Name}";
}

/// <summary>
/// <see cref="ScimOptions.MaxMultiValuedItems"/> and <see cref="ScimOptions.MaxExtensionBytes"/> of a resource type.
/// </summary>
public sealed record ValueLimits(int MaxItems, int MaxExtensionBytes)
{
    public static readonly ValueLimits Default = new(new ScimOptions().MaxMultiValuedItems, new ScimOptions().MaxExtensionBytes);

    /// <summary>400 invalidValue naming the limit when a multi-valued value sent has more items than allowed.</summary>
    public void CheckItems(int count, string where)
    {
        if (MaxItems > 0 && count > MaxItems)
            throw ScimException.InvalidValue(
                $"'{where}' has {count} values; at most {MaxItems} are allowed (limit Scim:MaxMultiValuedItems).");
    }
}

/// <summary>
/// A SCIM resource type (RFC 7643 §6): its endpoint, base schema, extensions and table. How its attributes are kept,
/// read, filtered and sorted in SQL is its map's business (ScimLite/Store), registered by its feature.
/// </summary>
public sealed record ResourceTypeDef(string Name, string Endpoint, string Table, SchemaDef Schema, IReadOnlyList<SchemaDef> Extensions)
{
    /// <summary>Attributes every resource has (RFC 7643 §3.1), owned by the base schema.</summary>
    public static readonly IReadOnlyList<AttributeDef> Common = [CoreSchemas.Id, CoreSchemas.ExternalId, CoreSchemas.Meta];

    public static readonly ResourceTypeDef User = new("User", "/Users", "users", CoreSchemas.User, [CoreSchemas.EnterpriseUser]);

    public static readonly ResourceTypeDef Group = new("Group", "/Groups", "groups", CoreSchemas.Group, []);

    public static readonly IReadOnlyList<ResourceTypeDef> All = [User, Group];

    public IEnumerable<SchemaDef> AllSchemas => Extensions.Prepend(Schema);

    /// <summary>How many values a multi-valued attribute, and how large the custom attributes, may be (ScimOptions).</summary>
    public ValueLimits Limits { get; init; } = ValueLimits.Default;

    /// <summary>Told the URN of every undeclared extension a request sends (ignored, but counted and logged).</summary>
    public Action<string>? OnUndeclaredExtension { get; init; }

    /// <summary>Reports an undeclared extension URN that a body or PATCH path carried and that is ignored.</summary>
    public void IgnoreExtension(string urn) => OnUndeclaredExtension?.Invoke(urn);

    /// <summary>Every attribute of the type with the schema it belongs to: the common ones, the base schema's, the extensions'.</summary>
    public IEnumerable<(SchemaDef Schema, AttributeDef Attribute)> AllAttributes =>
        Common.Select(a => (Schema, a)).Concat(AllSchemas.SelectMany(s => s.Attributes.Select(a => (s, a))));

    /// <summary>The attribute that names a resource uniquely, ignoring case (userName, displayName).</summary>
    public AttributeDef NameAttribute => Schema.Attributes.First(a => a.Uniqueness == Uniqueness.Server);

    /// <summary>The URL of one resource under <paramref name="baseUrl"/>.</summary>
    public string Location(string baseUrl, Guid id) => $"{baseUrl}{Endpoint}/{id}";

    /// <summary>
    /// Resolves <c>[urn:]attr[.sub]</c>; attribute names and URNs are case-insensitive (RFC 7644 §3.10).
    /// Returns null for anything this resource type does not have.
    /// </summary>
    public ResolvedPath? Resolve(string path)
    {
        var schema = Schema;
        var rest = path;
        var matchedUrn = false;
        foreach (var candidate in AllSchemas)
        {
            if (path.Length > candidate.Id.Length && path.StartsWith(candidate.Id, StringComparison.OrdinalIgnoreCase) && path[candidate.Id.Length] == ':')
            {
                schema = candidate;
                rest = path[(candidate.Id.Length + 1)..];
                matchedUrn = true;
                break;
            }
        }
        if (!matchedUrn && path.StartsWith("urn:", StringComparison.OrdinalIgnoreCase))
            return null;

        var dot = rest.IndexOf('.');
        var name = dot < 0 ? rest : rest[..dot];
        var subName = dot < 0 ? null : rest[(dot + 1)..];

        var attribute = schema.Attribute(name);
        if (attribute is null && schema == Schema)
            attribute = Common.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
        // Extension attributes may be named without their URN where the name is not ambiguous (Entra does this in
        // filters on custom attributes; harmless for the enterprise ones).
        if (attribute is null && !matchedUrn)
        {
            foreach (var extension in Extensions)
            {
                attribute = extension.Attribute(name);
                if (attribute is not null) { schema = extension; break; }
            }
        }
        if (attribute is null)
            return null;
        if (subName is null)
            return new ResolvedPath(schema, attribute, null);
        var sub = attribute.Sub(subName);
        return sub is null ? null : new ResolvedPath(schema, attribute, sub);
    }
}

/// <summary>The resource types this host offers, as declared (core schemas and <c>Scim:Extensions</c>).</summary>
public interface IResourceTypes
{
    ResourceTypeDef User { get; }

    ResourceTypeDef Group { get; }

    IReadOnlyList<ResourceTypeDef> All { get; }
}
