namespace ScimLite.Scim.Schema;

using static AttrType;

/// <summary>
/// The User, Enterprise User and Group schemas of RFC 7643 §4 and §8.7.1, with the column each attribute is kept in
/// (see sql/0001_users_groups_link.sql).
/// </summary>
public static class CoreSchemas
{
    static AttributeDef Str(string name, string column, string description = "") =>
        new(name) { Column = column, Description = description };

    static AttributeDef JsonSub(string name, AttrType type = String, string description = "") =>
        new(name, type) { Column = name, Storage = Storage.Column, Description = description };

    /// <summary>A multi-valued complex attribute kept as a jsonb array of items (emails, phoneNumbers, ...).</summary>
    static AttributeDef MultiValued(string name, string column, string description, AttrType valueType = String,
        IReadOnlyList<string>? types = null, bool withDisplay = true) =>
        new(name, Complex)
        {
            MultiValued = true,
            Storage = Storage.JsonArray,
            Column = column,
            Description = description,
            SubAttributes =
            [
                JsonSub("value", valueType, $"The value of the {name} item.") with
                {
                    CaseExact = valueType == Binary, ReferenceTypes = valueType == Reference ? ["external"] : null,
                },
                .. withDisplay ? [JsonSub("display", String, "A human-readable name, primarily used for display purposes.")] : Array.Empty<AttributeDef>(),
                JsonSub("type", String, "A label indicating the attribute's function.") with { CanonicalValues = types },
                JsonSub("primary", Boolean, "Whether this is the primary item; at most one item is primary."),
            ],
        };

    public static readonly AttributeDef Id = new("id")
    {
        CaseExact = true, Mutability = Mutability.ReadOnly, Returned = Returned.Always, Uniqueness = Uniqueness.Server,
        Column = "id", UuidColumn = true, Description = "Unique identifier of the resource, issued by ScimLite.",
    };

    public static readonly AttributeDef ExternalId = new("externalId")
    {
        CaseExact = true, Column = "external_id", Description = "Identifier of the resource as defined by the provisioning client.",
    };

    /// <summary>meta.resourceType: the same for every resource of a type, so filters and sorts fold it to a constant.</summary>
    public static readonly AttributeDef ResourceType = new("resourceType")
    {
        CaseExact = true, Mutability = Mutability.ReadOnly, Storage = Storage.Derived, Description = "The name of the resource type.",
    };

    public static readonly AttributeDef Meta = new("meta", Complex)
    {
        Mutability = Mutability.ReadOnly, Storage = Storage.Parts, Description = "Resource metadata.",
        SubAttributes =
        [
            ResourceType,
            new("created", DateTime) { Mutability = Mutability.ReadOnly, Column = "created", Description = "When the resource was added." },
            new("lastModified", DateTime) { Mutability = Mutability.ReadOnly, Column = "last_modified", Description = "When the resource was last changed." },
            new("location", Reference) { Mutability = Mutability.ReadOnly, Storage = Storage.Derived, ReferenceTypes = ["uri"], Description = "The URI of the resource." },
            new("version") { CaseExact = true, Mutability = Mutability.ReadOnly, Storage = Storage.Derived, Description = "The version (weak ETag) of the resource." },
        ],
    };

    public static readonly SchemaDef User = new(ScimUrns.User, "User", "User Account",
    [
        Str("userName", "user_name", "Unique identifier for the User, used to authenticate; unique ignoring case.") with { Required = true, Uniqueness = Uniqueness.Server },
        new("name", Complex)
        {
            Storage = Storage.Parts, Description = "The components of the user's name.",
            SubAttributes =
            [
                Str("formatted", "formatted", "The full name, formatted for display."),
                Str("familyName", "family_name", "The family name."),
                Str("givenName", "given_name", "The given name."),
                Str("middleName", "middle_name", "The middle name(s)."),
                Str("honorificPrefix", "honorific_prefix", "The honorific prefix(es), e.g. 'Ms.'."),
                Str("honorificSuffix", "honorific_suffix", "The honorific suffix(es), e.g. 'III'."),
            ],
        },
        Str("displayName", "display_name", "The name of the User, suitable for display."),
        Str("nickName", "nick_name", "The casual way to address the user."),
        new("profileUrl", Reference) { Column = "profile_url", ReferenceTypes = ["external"], Description = "A URI of the user's online profile." },
        Str("title", "title", "The user's title, such as 'Vice President'."),
        Str("userType", "user_type", "The relationship between the organization and the user."),
        Str("preferredLanguage", "preferred_language", "The user's preferred written or spoken language."),
        Str("locale", "locale", "The user's default location, e.g. 'en-US'."),
        Str("timezone", "timezone", "The user's time zone in IANA format, e.g. 'America/Los_Angeles'."),
        new("active", Boolean) { Column = "active", Description = "The user's administrative status." },
        new("password")
        {
            Mutability = Mutability.WriteOnly, Returned = Returned.Never, Storage = Storage.Derived,
            Description = "The user's cleartext password on write; stored only as a salted hash and never returned.",
        },
        MultiValued("emails", "emails", "Email addresses for the user.", types: ["work", "home", "other"]),
        MultiValued("phoneNumbers", "phone_numbers", "Phone numbers for the user.", types: ["work", "home", "mobile", "fax", "pager", "other"]),
        MultiValued("ims", "ims", "Instant messaging addresses for the user.", types: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo", "other"]),
        MultiValued("photos", "photos", "URLs of images of the user.", Reference, ["photo", "thumbnail"]),
        new("addresses", Complex)
        {
            MultiValued = true, Storage = Storage.JsonArray, Column = "addresses", Description = "Physical mailing addresses for the user.",
            SubAttributes =
            [
                JsonSub("formatted", String, "The full mailing address, formatted for display."),
                JsonSub("streetAddress", String, "The full street address component."),
                JsonSub("locality", String, "The city or locality component."),
                JsonSub("region", String, "The state or region component."),
                JsonSub("postalCode", String, "The zip code or postal code component."),
                JsonSub("country", String, "The country name component (ISO 3166-1 alpha-2)."),
                JsonSub("type", String, "A label indicating the address's function.") with { CanonicalValues = ["work", "home", "other"] },
                JsonSub("primary", Boolean, "Whether this is the primary address."),
            ],
        },
        new("groups", Complex)
        {
            MultiValued = true, Mutability = Mutability.ReadOnly, Storage = Storage.Link,
            Description = "The groups the user belongs to directly, computed from group membership.",
            SubAttributes =
            [
                new("value") { Mutability = Mutability.ReadOnly, Description = "The id of the group." },
                new("$ref", Reference) { Mutability = Mutability.ReadOnly, Storage = Storage.Derived, ReferenceTypes = ["User", "Group"], Description = "The URI of the group." },
                new("display") { Mutability = Mutability.ReadOnly, Description = "The displayName of the group." },
                new("type") { Mutability = Mutability.ReadOnly, Storage = Storage.Derived, CanonicalValues = ["direct", "indirect"], Description = "Always 'direct'." },
            ],
        },
        MultiValued("entitlements", "entitlements", "Entitlements of the user."),
        MultiValued("roles", "roles", "Roles of the user."),
        MultiValued("x509Certificates", "x509_certificates", "DER-encoded X.509 certificates of the user (base64).", Binary),
    ]);

    public static readonly SchemaDef EnterpriseUser = new(ScimUrns.EnterpriseUser, "EnterpriseUser", "Enterprise User",
    [
        Str("employeeNumber", "employee_number", "Numeric or alphanumeric identifier assigned to a person by the organization."),
        Str("costCenter", "cost_center", "Name of a cost center."),
        Str("organization", "organization", "Name of an organization."),
        Str("division", "division", "Name of a division."),
        Str("department", "department", "Name of a department."),
        new("manager", Complex)
        {
            Storage = Storage.Parts, Description = "The user's manager, another User of this server.",
            SubAttributes =
            [
                new("value") { CaseExact = true, Column = "manager_value", Description = "The id of the manager's User, kept as sent even when it names no User here." },
                new("$ref", Reference) { Storage = Storage.Derived, ReferenceTypes = ["User"], Description = "The URI of the manager's User." },
                new("displayName") { Mutability = Mutability.ReadOnly, Storage = Storage.Derived, Description = "The manager's displayName, filled by ScimLite." },
            ],
        },
    ]);

    public static readonly SchemaDef Group = new(ScimUrns.Group, "Group", "Group",
    [
        Str("displayName", "display_name", "A human-readable name for the Group; unique ignoring case.") with { Required = true, Uniqueness = Uniqueness.Server },
        new("members", Complex)
        {
            MultiValued = true, Storage = Storage.Link, Description = "The members of the Group: Users or Groups.",
            SubAttributes =
            [
                new("value") { Mutability = Mutability.Immutable, Description = "The id of the member." },
                new("$ref", Reference) { Mutability = Mutability.Immutable, Storage = Storage.Derived, ReferenceTypes = ["User", "Group"], Description = "The URI of the member." },
                new("type") { Mutability = Mutability.Immutable, CanonicalValues = ["User", "Group"], Description = "The type of the member." },
                new("display") { Mutability = Mutability.Immutable, Description = "The member's displayName (or userName), filled by ScimLite." },
            ],
        },
    ]);
}
