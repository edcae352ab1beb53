namespace ScimLite.Scim.Schema;

using static AttrType;

/// <summary>
/// The User, Enterprise User and Group schemas of RFC 7643 §4 and §8.7.1. Where each attribute is kept is the business
/// of the resource types' maps (Users/UserMap.cs, Groups/GroupMap.cs).
/// </summary>
public static class CoreSchemas
{
    static AttributeDef Str(string name, string description = "") => new(name) { Description = description };

    static AttributeDef Sub(string name, AttrType type = String, string description = "") =>
        new(name, type) { Description = description };

    /// <summary>A multi-valued complex attribute with value, display, type and primary (emails, phoneNumbers, ...).</summary>
    static AttributeDef MultiValued(string name, string description, AttrType valueType = String,
        IReadOnlyList<string>? types = null, bool withDisplay = true) =>
        new(name, Complex)
        {
            MultiValued = true,
            Description = description,
            SubAttributes =
            [
                Sub("value", valueType, $"The value of the {name} item.") with
                {
                    CaseExact = valueType == Binary, ReferenceTypes = valueType == Reference ? ["external"] : null,
                },
                .. withDisplay ? [Sub("display", String, "A human-readable name, primarily used for display purposes.")] : Array.Empty<AttributeDef>(),
                Sub("type", String, "A label indicating the attribute's function.") with { CanonicalValues = types },
                Sub("primary", Boolean, "Whether this is the primary item; at most one item is primary."),
            ],
        };

    public static readonly AttributeDef Id = new("id")
    {
        CaseExact = true, Mutability = Mutability.ReadOnly, Returned = Returned.Always, Uniqueness = Uniqueness.Server,
        Description = "Unique identifier of the resource, issued by ScimLite.",
    };

    public static readonly AttributeDef ExternalId = new("externalId")
    {
        CaseExact = true, Description = "Identifier of the resource as defined by the provisioning client.",
    };

    /// <summary>meta.resourceType: the same for every resource of a type, so filters and sorts fold it to a constant.</summary>
    public static readonly AttributeDef ResourceType = new("resourceType")
    {
        CaseExact = true, Mutability = Mutability.ReadOnly, Description = "The name of the resource type.",
    };

    public static readonly AttributeDef Meta = new("meta", Complex)
    {
        Mutability = Mutability.ReadOnly, Description = "Resource metadata.",
        SubAttributes =
        [
            ResourceType,
            new("created", DateTime) { Mutability = Mutability.ReadOnly, Description = "When the resource was added." },
            new("lastModified", DateTime) { Mutability = Mutability.ReadOnly, Description = "When the resource was last changed." },
            new("location", Reference) { Mutability = Mutability.ReadOnly, ReferenceTypes = ["uri"], Description = "The URI of the resource." },
            new("version") { CaseExact = true, Mutability = Mutability.ReadOnly, Description = "The version (weak ETag) of the resource." },
        ],
    };

    public static readonly SchemaDef User = new(ScimUrns.User, "User", "User Account",
    [
        Str("userName", "Unique identifier for the User, used to authenticate; unique ignoring case.") with { Required = true, Uniqueness = Uniqueness.Server },
        new("name", Complex)
        {
            Description = "The components of the user's name.",
            SubAttributes =
            [
                Str("formatted", "The full name, formatted for display."),
                Str("familyName", "The family name."),
                Str("givenName", "The given name."),
                Str("middleName", "The middle name(s)."),
                Str("honorificPrefix", "The honorific prefix(es), e.g. 'Ms.'."),
                Str("honorificSuffix", "The honorific suffix(es), e.g. 'III'."),
            ],
        },
        Str("displayName", "The name of the User, suitable for display."),
        Str("nickName", "The casual way to address the user."),
        new("profileUrl", Reference) { ReferenceTypes = ["external"], Description = "A URI of the user's online profile." },
        Str("title", "The user's title, such as 'Vice President'."),
        Str("userType", "The relationship between the organization and the user."),
        Str("preferredLanguage", "The user's preferred written or spoken language."),
        Str("locale", "The user's default location, e.g. 'en-US'."),
        Str("timezone", "The user's time zone in IANA format, e.g. 'America/Los_Angeles'."),
        new("active", Boolean) { Default = true, Description = "The user's administrative status; absent means active." },
        new("password")
        {
            Mutability = Mutability.WriteOnly, Returned = Returned.Never,
            Description = "The user's cleartext password on write; stored only as a salted hash and never returned.",
        },
        MultiValued("emails", "Email addresses for the user.", types: ["work", "home", "other"]),
        MultiValued("phoneNumbers", "Phone numbers for the user.", types: ["work", "home", "mobile", "fax", "pager", "other"]),
        MultiValued("ims", "Instant messaging addresses for the user.", types: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo", "other"]),
        MultiValued("photos", "URLs of images of the user.", Reference, ["photo", "thumbnail"]),
        new("addresses", Complex)
        {
            MultiValued = true, Description = "Physical mailing addresses for the user.",
            SubAttributes =
            [
                Sub("formatted", String, "The full mailing address, formatted for display."),
                Sub("streetAddress", String, "The full street address component."),
                Sub("locality", String, "The city or locality component."),
                Sub("region", String, "The state or region component."),
                Sub("postalCode", String, "The zip code or postal code component."),
                Sub("country", String, "The country name component (ISO 3166-1 alpha-2)."),
                Sub("type", String, "A label indicating the address's function.") with { CanonicalValues = ["work", "home", "other"] },
                Sub("primary", Boolean, "Whether this is the primary address."),
            ],
        },
        new("groups", Complex)
        {
            MultiValued = true, Mutability = Mutability.ReadOnly,
            Description = "The groups the user belongs to directly, computed from group membership.",
            SubAttributes =
            [
                new("value") { Mutability = Mutability.ReadOnly, Description = "The id of the group." },
                new("$ref", Reference) { Mutability = Mutability.ReadOnly, ReferenceTypes = ["User", "Group"], Description = "The URI of the group." },
                new("display") { Mutability = Mutability.ReadOnly, Description = "The displayName of the group." },
                new("type") { Mutability = Mutability.ReadOnly, CanonicalValues = ["direct", "indirect"], Description = "Always 'direct'." },
            ],
        },
        MultiValued("entitlements", "Entitlements of the user."),
        MultiValued("roles", "Roles of the user."),
        MultiValued("x509Certificates", "DER-encoded X.509 certificates of the user (base64).", Binary),
    ]);

    public static readonly SchemaDef EnterpriseUser = new(ScimUrns.EnterpriseUser, "EnterpriseUser", "Enterprise User",
    [
        Str("employeeNumber", "Numeric or alphanumeric identifier assigned to a person by the organization."),
        Str("costCenter", "Name of a cost center."),
        Str("organization", "Name of an organization."),
        Str("division", "Name of a division."),
        Str("department", "Name of a department."),
        new("manager", Complex)
        {
            AcceptsBareValue = true, Description = "The user's manager, another User of this server (Entra sends the bare id).",
            SubAttributes =
            [
                new("value") { CaseExact = true, Description = "The id of the manager's User, kept as sent even when it names no User here." },
                new("$ref", Reference) { ReferenceTypes = ["User"], Description = "The URI of the manager's User." },
                new("displayName") { Mutability = Mutability.ReadOnly, Description = "The manager's displayName, filled by ScimLite." },
            ],
        },
    ]);

    public static readonly SchemaDef Group = new(ScimUrns.Group, "Group", "Group",
    [
        Str("displayName", "A human-readable name for the Group; unique ignoring case.") with { Required = true, Uniqueness = Uniqueness.Server },
        new("members", Complex)
        {
            MultiValued = true, Description = "The members of the Group: Users or Groups.",
            SubAttributes =
            [
                new("value") { Mutability = Mutability.Immutable, Description = "The id of the member." },
                new("$ref", Reference) { Mutability = Mutability.Immutable, ReferenceTypes = ["User", "Group"], Description = "The URI of the member." },
                new("type") { Mutability = Mutability.Immutable, CanonicalValues = ["User", "Group"], Description = "The type of the member." },
                new("display") { Mutability = Mutability.Immutable, Description = "The member's displayName (or userName), filled by ScimLite." },
            ],
        },
    ]);
}
