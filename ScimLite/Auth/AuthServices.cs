namespace ScimLite.Auth;

/// <summary>
/// Authentication as ASP.NET Core does it: the bearer scheme (<see cref="BearerAuthenticationHandler"/>), and
/// authorization that the SCIM route groups require (<c>RequireAuthorization()</c>) and the anonymous endpoints waive
/// where they are mapped (<c>AllowAnonymous()</c>).
/// </summary>
public static class AuthServices
{
    public static WebApplicationBuilder AddScimAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ClientOptions>().BindConfiguration(Scim.ScimOptions.Section).ValidateOnStart();
        services.AddSingleton<ClientDirectory>();
        services.AddSingleton<ClientStore>();
        services.AddHostedService<ClientRefresher>();
        services.AddAuthentication(BearerAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerAuthenticationHandler>(
                BearerAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddScimRateLimiting();
        return builder;
    }
}
