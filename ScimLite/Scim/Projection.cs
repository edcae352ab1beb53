using ScimLite.Scim.Schema;

namespace ScimLite.Scim;

/// <summary>
/// Which attributes a response carries, from <c>attributes</c> / <c>excludedAttributes</c> (RFC 7644 §3.4.2.5) and
/// each attribute's <c>returned</c>. Stores ask it too, so an excluded <c>members</c> is never read from the database.
/// </summary>
public sealed class Projection
{
    public static readonly Projection Default = new(null, null);

    // Entries are "schema urn|attribute" (whole attribute) or "schema urn|attribute.sub".
    readonly HashSet<string>? include;
    readonly HashSet<string>? exclude;

    Projection(HashSet<string>? include, HashSet<string>? exclude)
    {
        this.include = include;
        this.exclude = exclude;
    }

    public static Projection From(ResourceTypeDef type, string? attributes, string? excludedAttributes) =>
        From(type, ScimValues.SplitList(attributes), ScimValues.SplitList(excludedAttributes));

    public static Projection From(ResourceTypeDef type, IReadOnlyList<string>? attributes, IReadOnlyList<string>? excludedAttributes)
    {
        if (attributes is { Count: > 0 } && excludedAttributes is { Count: > 0 })
            throw ScimException.InvalidValue("attributes and excludedAttributes cannot be used together.");
        if (attributes is { Count: > 0 })
            return new Projection(Keys(type, attributes), null);
        if (excludedAttributes is { Count: > 0 })
            return new Projection(null, Keys(type, excludedAttributes));
        return Default;
    }

    /// <summary>Unknown names are ignored (RFC 7644 §3.4.2.5 leaves them undefined; ignoring is the lenient choice).</summary>
    static HashSet<string> Keys(ResourceTypeDef type, IEnumerable<string> names)
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            var extension = type.AllSchemas.FirstOrDefault(s => string.Equals(s.Id, name, StringComparison.OrdinalIgnoreCase));
            if (extension is not null)
            {
                foreach (var attribute in extension.Attributes)
                    keys.Add(Key(extension, attribute, null));
                continue;
            }
            var path = type.Resolve(name);
            if (path is not null)
                keys.Add(Key(path.Schema, path.Attribute, path.Sub));
        }
        return keys;
    }

    static string Key(SchemaDef schema, AttributeDef attribute, AttributeDef? sub) =>
        sub is null ? $"{schema.Id}|{attribute.Name}" : $"{schema.Id}|{attribute.Name}.{sub.Name}";

    /// <summary>Whether the attribute (or any of its sub-attributes) is returned.</summary>
    public bool Includes(SchemaDef schema, AttributeDef attribute)
    {
        if (attribute.Returned == Returned.Always) return true;
        if (attribute.Returned == Returned.Never) return false;
        if (include is not null)
        {
            if (include.Contains(Key(schema, attribute, null))) return true;
            return attribute.SubAttributes.Any(sub => include.Contains(Key(schema, attribute, sub)));
        }
        if (attribute.Returned == Returned.Request) return false;
        return exclude is null || !exclude.Contains(Key(schema, attribute, null));
    }

    /// <summary>Whether a sub-attribute of an included complex attribute is returned.</summary>
    public bool Includes(SchemaDef schema, AttributeDef attribute, AttributeDef sub)
    {
        if (sub.Returned == Returned.Never) return false;
        if (include is not null)
            return include.Contains(Key(schema, attribute, null)) || include.Contains(Key(schema, attribute, sub));
        return exclude is null || !exclude.Contains(Key(schema, attribute, sub));
    }

}
