namespace ScimLite.Scim.Schema;

public enum AttrType { String, Boolean, Decimal, Integer, DateTime, Reference, Complex, Binary }

public enum Mutability { ReadWrite, ReadOnly, Immutable, WriteOnly }

public enum Returned { Default, Always, Never, Request }

public enum Uniqueness { None, Server, Global }

/// <summary>Where an attribute lives in PostgreSQL.</summary>
public enum Storage
{
    /// <summary>A column of the resource's own table (<see cref="AttributeDef.Column"/>).</summary>
    Column,
    /// <summary>A jsonb array column of items; sub-attributes are JSON keys named like the SCIM sub-attribute.</summary>
    JsonArray,
    /// <summary>Computed from the link table (User.groups, Group.members).</summary>
    Link,
    /// <summary>A complex attribute whose sub-attributes are columns (name, manager), or meta.</summary>
    Parts,
    /// <summary>Not stored, or not readable (password, manager.displayName, $ref).</summary>
    Derived,
    /// <summary>
    /// A declared custom attribute: key <see cref="AttributeDef.Name"/> under <see cref="AttributeDef.ExtensionUrn"/> in
    /// the resource's jsonb <c>extensions</c> column (see ScimLite/Extensions).
    /// </summary>
    Extension,
}

/// <summary>
/// One attribute of a SCIM schema (RFC 7643 §7) plus where ScimLite stores it. The same definitions drive
/// /Schemas, filtering, sorting, projection and PATCH, so what discovery says is what the server does.
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
    public Storage Storage { get; init; } = Storage.Column;
    /// <summary>Column name (Storage.Column, JsonArray) or JSON key (sub-attributes of a JsonArray).</summary>
    public string? Column { get; init; }
    /// <summary>The column is a uuid (an id issued by ScimLite): values are compared and written as uuids.</summary>
    public bool UuidColumn { get; init; }
    /// <summary>The schema URN a custom attribute (<see cref="Storage.Extension"/>) is kept under.</summary>
    public string? ExtensionUrn { get; init; }

    public AttributeDef? Sub(string name) =>
        SubAttributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A SCIM schema: its URN and top-level attributes.</summary>
public sealed record SchemaDef(string Id, string Name, string Description, IReadOnlyList<AttributeDef> Attributes)
{
    public AttributeDef? Attribute(string name) =>
        Attributes.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));
}
