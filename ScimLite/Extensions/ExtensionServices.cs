using Microsoft.Extensions.Options;
using ScimLite.Scim.Schema;

namespace ScimLite.Extensions;

public static class ExtensionServices
{
    /// <summary>Declared extensions (checked at start-up), the resource types built from them, the ignored-extension report.</summary>
    public static IServiceCollection AddScimExtensions(this IServiceCollection services)
    {
        services.AddOptions<ExtensionOptions>().BindConfiguration(ExtensionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExtensionOptions>, ExtensionSchemas>();
        services.AddSingleton<IgnoredExtensions>();
        services.AddSingleton<ResourceTypes>();
        services.AddSingleton<IResourceTypes>(provider => provider.GetRequiredService<ResourceTypes>());
        return services;
    }
}
