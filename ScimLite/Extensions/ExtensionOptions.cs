namespace ScimLite.Extensions;

/// <summary>
/// Custom attributes declared by the operator (<c>Scim:Extensions:&lt;i&gt;:…</c>): each entry is one schema extension of
/// User or Group, kept in the resource's jsonb <c>extensions</c> column under its URN.
/// </summary>
public sealed class ExtensionOptions
{
    public const string Section = "Scim";

    /// <summary><c>Scim:Extensions:&lt;i&gt;</c>.</summary>
    public List<ExtensionDeclaration> Extensions { get; set; } = [];
}

/// <summary>One declared schema extension.</summary>
public sealed class ExtensionDeclaration
{
    /// <summary>The extension's URN, e.g. <c>urn:ietf:params:scim:schemas:extension:acme:2.0:User</c>.</summary>
    public string? Schema { get; set; }

    /// <summary><c>User</c> or <c>Group</c>.</summary>
    public string? ResourceType { get; set; }

    public List<ExtensionAttributeDeclaration> Attributes { get; set; } = [];
}

/// <summary>One attribute of a declared extension.</summary>
public sealed class ExtensionAttributeDeclaration
{
    public string? Name { get; set; }

    /// <summary>string, boolean, integer, decimal, dateTime or reference.</summary>
    public string Type { get; set; } = "string";

    public bool MultiValued { get; set; }

    public bool CaseExact { get; set; }

    public bool Required { get; set; }

    public List<string> CanonicalValues { get; set; } = [];
}
