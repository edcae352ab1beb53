using Microsoft.AspNetCore.Mvc.Testing;

namespace ScimLite.Tests.Infrastructure;

/// <summary>
/// Two more unthrottled servers on the fixture's database, each with an authorised client: the "two processes" of the
/// race and change-feed tests. Disposing it stops both.
/// </summary>
public sealed class TwoServers : IAsyncDisposable
{
    readonly WebApplicationFactory<Program> first;
    readonly WebApplicationFactory<Program> second;

    public TwoServers(ScimApp app)
    {
        first = app.UnthrottledHost();
        second = app.UnthrottledHost();
        A = first.CreateClient(app.Token);
        B = second.CreateClient(app.Token);
    }

    /// <summary>A client of the first server.</summary>
    public HttpClient A { get; }

    /// <summary>A client of the second server.</summary>
    public HttpClient B { get; }

    public async ValueTask DisposeAsync()
    {
        A.Dispose();
        B.Dispose();
        await first.DisposeAsync();
        await second.DisposeAsync();
    }
}
