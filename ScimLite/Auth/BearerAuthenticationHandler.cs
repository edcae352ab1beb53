using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using ScimLite.Http;
using ScimLite.Scim;

namespace ScimLite.Auth;

/// <summary>
/// The bearer scheme: <c>Authorization: Bearer &lt;token&gt;</c> names a client (<see cref="ClientDirectory"/>). The
/// principal's <c>Identity.Name</c> is the client's name, which logs, metrics and the journal use; the token itself
/// goes nowhere. Missing, malformed, wrong, revoked and expired tokens all get the one 401 with a SCIM error body
/// (Okta rejects an empty 401): nothing tells a guesser how close it came.
/// </summary>
public sealed class BearerAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, ClientDirectory directory) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    // Not "Bearer": the handler logs its scheme name, and logs are checked never to carry "Bearer " (a leaked header).
    public const string SchemeName = "ScimToken";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.AsSpan().Trim().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        if (!directory.Loaded.IsCompleted)
            await directory.Loaded.WaitAsync(Context.RequestAborted);
        var client = directory.Identify(header.AsSpan().Trim()["Bearer ".Length..].Trim());
        if (client is null)
            return AuthenticateResult.Fail("Token not accepted.");
        client.AttachTo(Context);
        Context.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(new("scim.client", client.Name));
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, client.Name)], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ScimErrorHandler.WriteAsync(Context, ScimException.Unauthorized("A valid bearer token is required."), Context.RequestAborted);
}
