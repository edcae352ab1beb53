using ScimLite.Store;

namespace ScimLite.Users;

public static class UserServices
{
    /// <summary>Users: the password hasher, the map of where users are kept, and their store.</summary>
    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddSingleton<PasswordHasher>();
        services.AddResourceMap("User", (provider, type) => new UserMap(type, provider.GetRequiredService<PasswordHasher>()));
        services.AddSingleton<UserStore>();
        return services;
    }
}
