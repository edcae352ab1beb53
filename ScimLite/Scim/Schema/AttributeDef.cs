namespace ScimLite.Scim.Schema;

public enum AttrType { String, Boolean, Decimal, Integer, DateTime, Reference, Complex, Binary }

public enum Mutability { ReadWrite, ReadOnly, Immutable, WriteOnly }

public enum Returned { Default, Always, Never, Request }

public enum Uniqueness { None, Server, Global }

/// <summary>
/// One attribute of a SCIM schema (RFC 7643 §7), with the rules ScimLite applies to its values. The same definitions
/// drive /Schemas, filtering, sorting, projection and PATCH, so what discovery says is what the server does. Where an
/// attribute is kept is not said here but by the resource type's map in the persistence engine (ScimLite/Store).
/// </summary>
public sealed record AttributeDef(string Name, AttrType Type = AttrType.String)
{
    public string Description { get; init; } = "";
    public bool MultiValued { get; init; }
    public bool Required { get; init; }
    public bool CaseExact { get; init; }
    public Mutability Mutability { get; init; } = Mutability.ReadWrite;
    public Returned Returned { get; init; } = Returned.Default;
    public Uniqueness Uniqueness { get; init; } = Uniqueness.None;
    public IReadOnlyList<string>? ReferenceTypes { get; init; }
    public IReadOnlyList<string>? CanonicalValues { get; init; }
    public IReadOnlyList<AttributeDef> SubAttributes { get; init; } = [];

    /// <summary>The schema URN of a custom attribute declared in <c>Scim:Extensions</c>; null for the core ones.</summary>
    public string? ExtensionUrn { get; init; }

    /// <summary>
    /// The value an absent or null value stands for, when the attribute has one: it is written in its place by POST and
    /// PUT, and a PATCH cannot remove it (<c>active</c>: a user nobody deactivated is active).
    /// </summary>
    public object? Default { get; init; }

    /// <summary>
    /// A complex attribute that may be sent as its bare <c>value</c> (Entra sends <c>manager</c> as the manager's id,
    /// not as <c>{"value": id}</c>).
    /// </summary>
    public bool AcceptsBareValue { get; init; }

    public bool IsReadOnly => Mutability == Mutability.ReadOnly;

    public AttributeDef? Sub(string name) =>
        SubAttributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether this attribute is called <paramref name="name"/> (any case).</summary>
    public bool Is(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);
}

/// <summary>A SCIM schema: its URN and top-level attributes.</summary>
public sealed record SchemaDef(string Id, string Name, string Description, IReadOnlyList<AttributeDef> Attributes)
{
    public AttributeDef? Attribute(string name) =>
        Attributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}
