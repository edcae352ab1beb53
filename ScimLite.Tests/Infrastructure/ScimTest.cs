namespace ScimLite.Tests.Infrastructure;

/// <summary>
/// A test class of the HTTP suites: it joins the <c>scim</c> collection (one shared server), starts every test on an
/// empty database, and holds a client that sends the run's bearer token.
/// </summary>
[Collection("scim")]
public abstract class ScimTest(ScimApp app) : IAsyncLifetime
{
    /// <summary>The shared server, its database and its token.</summary>
    protected ScimApp App => app;

    /// <summary>An authorised client, disposed with the test.</summary>
    protected HttpClient Client { get; } = app.CreateClient();

    public virtual Task InitializeAsync() => app.ResetAsync();

    public virtual Task DisposeAsync()
    {
        Client.Dispose();
        return Task.CompletedTask;
    }
}
