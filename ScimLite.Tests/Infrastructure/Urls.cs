namespace ScimLite.Tests.Infrastructure;

/// <summary>The resource endpoints, so a test reads <c>Urls.User(id)</c> rather than spelling out the path.</summary>
public static class Urls
{
    public const string Users = "/scim/v2/Users";
    public const string Groups = "/scim/v2/Groups";

    /// <summary><c>/scim/v2/Users/{id}</c>, the id as a string or a Guid.</summary>
    public static string User(object? id) => $"{Users}/{id}";

    /// <summary><c>/scim/v2/Groups/{id}</c>, the id as a string or a Guid.</summary>
    public static string Group(object? id) => $"{Groups}/{id}";
}
