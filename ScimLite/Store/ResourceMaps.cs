using ScimLite.Scim.Schema;

namespace ScimLite.Store;

/// <summary>How a feature registers the map of its resource type (<see cref="StoreServices.AddResourceMap"/>).</summary>
public sealed record ResourceMapRegistration(string ResourceType, Func<IServiceProvider, ResourceTypeDef, ResourceMap> Create);

/// <summary>
/// The map of every resource type this host offers, built once from the types as declared (core schemas and
/// <c>Scim:Extensions</c>) and the maps the features registered.
/// </summary>
public sealed class ResourceMaps
{
    readonly Dictionary<string, ResourceMap> maps;

    public ResourceMaps(IResourceTypes types, IEnumerable<ResourceMapRegistration> registrations, IServiceProvider services)
    {
        var factories = registrations.ToDictionary(r => r.ResourceType, StringComparer.Ordinal);
        maps = types.All.ToDictionary(t => t.Name, t => factories.TryGetValue(t.Name, out var registration)
            ? registration.Create(services, t)
            : throw new InvalidOperationException($"No map is registered for the {t.Name} resource type."));
        All = [.. types.All.Select(t => maps[t.Name])];
    }

    public ResourceMap User => maps[ResourceTypeDef.User.Name];

    public ResourceMap Group => maps[ResourceTypeDef.Group.Name];

    /// <summary>In the order of the types: Users, then Groups.</summary>
    public IReadOnlyList<ResourceMap> All { get; }
}

public static class StoreServices
{
    /// <summary>Registers the map of <paramref name="resourceType"/>, built once the types are declared.</summary>
    public static IServiceCollection AddResourceMap(this IServiceCollection services, string resourceType,
        Func<IServiceProvider, ResourceTypeDef, ResourceMap> create)
    {
        services.AddSingleton(new ResourceMapRegistration(resourceType, create));
        services.AddSingleton<ResourceMaps>();
        return services;
    }
}
