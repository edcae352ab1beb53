using Microsoft.Extensions.Options;
using ScimLite.Scim;
using ScimLite.Store;

namespace ScimLite.Groups;

public static class GroupServices
{
    /// <summary>Groups: the map of where groups and their members are kept, and their store.</summary>
    public static IServiceCollection AddGroups(this IServiceCollection services)
    {
        services.AddResourceMap("Group", (provider, type) => new GroupMap(type, provider.GetRequiredService<IOptions<ScimOptions>>().Value));
        services.AddSingleton<GroupStore>();
        return services;
    }
}
