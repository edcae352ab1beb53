namespace ScimLite.Scim.Schema;

public static class ScimUrns
{
    public const string User = "urn:ietf:params:scim:schemas:core:2.0:User";
    public const string Group = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public const string EnterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public const string ListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    public const string Error = "urn:ietf:params:scim:api:messages:2.0:Error";
    public const string ServiceProviderConfig = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    public const string ResourceType = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
    public const string Schema = "urn:ietf:params:scim:schemas:core:2.0:Schema";

    /// <summary>Whether <paramref name="urn"/> is one of the resource schemas ScimLite itself defines (any case).</summary>
    public static bool IsBuiltIn(string urn) =>
        string.Equals(urn, User, StringComparison.OrdinalIgnoreCase) || string.Equals(urn, Group, StringComparison.OrdinalIgnoreCase)
        || string.Equals(urn, EnterpriseUser, StringComparison.OrdinalIgnoreCase);
}
