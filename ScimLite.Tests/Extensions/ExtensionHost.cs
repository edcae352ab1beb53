using Microsoft.AspNetCore.Mvc.Testing;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Extensions;

/// <summary>
/// A ScimLite host on the fixture's database with custom attributes declared as an operator would: an Okta AIW app's
/// two attributes (external namespace acme), an Entra app's extension attribute, and one for groups.
/// </summary>
public sealed class ExtensionHost : IAsyncDisposable
{
    public const string Acme = "urn:ietf:params:scim:schemas:extension:acme:2.0:User";
    public const string Entra = "urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User";
    public const string AcmeGroup = "urn:ietf:params:scim:schemas:extension:acme:2.0:Group";

    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Scim:Extensions:0:Schema"] = Acme,
        ["Scim:Extensions:0:ResourceType"] = "User",
        ["Scim:Extensions:0:Attributes:0:Name"] = "costCode",
        ["Scim:Extensions:0:Attributes:1:Name"] = "badges",
        ["Scim:Extensions:0:Attributes:1:MultiValued"] = "true",
        ["Scim:Extensions:0:Attributes:2:Name"] = "level",
        ["Scim:Extensions:0:Attributes:2:Type"] = "integer",
        ["Scim:Extensions:0:Attributes:3:Name"] = "remote",
        ["Scim:Extensions:0:Attributes:3:Type"] = "boolean",
        ["Scim:Extensions:0:Attributes:4:Name"] = "startDate",
        ["Scim:Extensions:0:Attributes:4:Type"] = "dateTime",
        ["Scim:Extensions:0:Attributes:5:Name"] = "tier",
        ["Scim:Extensions:0:Attributes:5:CaseExact"] = "true",
        ["Scim:Extensions:0:Attributes:5:CanonicalValues:0"] = "Gold",
        ["Scim:Extensions:0:Attributes:5:CanonicalValues:1"] = "Silver",
        ["Scim:Extensions:1:Schema"] = Entra,
        ["Scim:Extensions:1:ResourceType"] = "User",
        ["Scim:Extensions:1:Attributes:0:Name"] = "employeeCategory",
        ["Scim:Extensions:2:Schema"] = AcmeGroup,
        ["Scim:Extensions:2:ResourceType"] = "Group",
        ["Scim:Extensions:2:Attributes:0:Name"] = "region",
    };

    /// <param name="more">Settings beside the declarations, e.g. a lifted size limit.</param>
    public ExtensionHost(ScimApp app, IDictionary<string, string?>? more = null)
    {
        Host = app.NewHost(more is null ? Settings : new Dictionary<string, string?>(Settings.Concat(more)));
        Client = Host.CreateClient(app.Token);
    }

    public WebApplicationFactory<Program> Host { get; }

    public HttpClient Client { get; }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>A test class that starts each test on an empty database with its own <see cref="ExtensionHost"/>.</summary>
[Collection("scim")]
public abstract class ExtensionHostTests(ScimApp app) : IAsyncLifetime
{
    protected ScimApp App => app;

    protected ExtensionHost Extended { get; private set; } = null!;

    protected HttpClient Client => Extended.Client;

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        Extended = new ExtensionHost(app);
    }

    public async Task DisposeAsync() => await Extended.DisposeAsync();
}
