using Microsoft.Extensions.Options;
using ScimLite.Scim;
using ScimLite.Scim.Schema;

namespace ScimLite.Extensions;

/// <summary>
/// The resource types this server offers: the core definitions (<see cref="ResourceTypeDef.User"/>,
/// <see cref="ResourceTypeDef.Group"/>) plus the extensions declared in <c>Scim:Extensions</c>. One per host (a
/// singleton), so hosts with different declarations can share a process.
/// </summary>
public sealed class ResourceTypes : IResourceTypes
{
    public ResourceTypes(IOptions<ExtensionOptions> options, IgnoredExtensions ignored, IOptions<ScimOptions> scim)
    {
        var limits = new ValueLimits(scim.Value.MaxMultiValuedItems, scim.Value.MaxExtensionBytes);
        User = ResourceTypeDef.User with
        {
            Extensions = [.. ResourceTypeDef.User.Extensions, .. ExtensionSchemas.For(options.Value, "User")],
            OnUndeclaredExtension = urn => ignored.Report("User", urn),
            Limits = limits,
        };
        Group = ResourceTypeDef.Group with
        {
            Extensions = [.. ResourceTypeDef.Group.Extensions, .. ExtensionSchemas.For(options.Value, "Group")],
            OnUndeclaredExtension = urn => ignored.Report("Group", urn),
            Limits = limits,
        };
        All = [User, Group];
    }

    public ResourceTypeDef User { get; }

    public ResourceTypeDef Group { get; }

    public IReadOnlyList<ResourceTypeDef> All { get; }
}
