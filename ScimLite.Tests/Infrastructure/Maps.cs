using Microsoft.Extensions.Options;
using ScimLite.Groups;
using ScimLite.Scim;
using ScimLite.Scim.Schema;
using ScimLite.Store;
using ScimLite.Users;

namespace ScimLite.Tests.Infrastructure;

/// <summary>The maps of the core resource types with default options, for tests of the SQL they compile to.</summary>
public static class Maps
{
    public static readonly ResourceMap User = new UserMap(ResourceTypeDef.User, new PasswordHasher(Options.Create(new ScimOptions())));

    public static readonly ResourceMap Group = new GroupMap(ResourceTypeDef.Group, new ScimOptions());

    public static ResourceMap Of(string resourceType) => resourceType == "Group" ? Group : User;

    public static ResourceMap Of(ResourceTypeDef type) => type.Name == "Group" ? new GroupMap(type, new ScimOptions())
        : new UserMap(type, new PasswordHasher(Options.Create(new ScimOptions())));
}
