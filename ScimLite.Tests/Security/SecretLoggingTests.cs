using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ScimLite.Tests.Infrastructure;
using Xunit.Abstractions;
using static ScimLite.Tests.Infrastructure.ResourceRequests;

namespace ScimLite.Tests.Security;

/// <summary>
/// Bearer tokens and passwords never reach the log: every category captured at Trace while requests carry a known
/// token and password — successful writes, a password change, failed authentication, a conflict, a server error.
/// </summary>
public class SecretLoggingTests(ScimApp app, ITestOutputHelper output) : ScimTest(app)
{
    /// <summary>A clock that can be made to fail, to drive a request into the unhandled-error path (500).</summary>
    sealed class FailingClock : TimeProvider
    {
        public volatile bool Fail;

        public override DateTimeOffset GetUtcNow() =>
            Fail ? throw new InvalidOperationException("Simulated clock failure.") : base.GetUtcNow();
    }

    [Fact]
    public async Task Logs_AtTraceIncludingErrors_NeverContainTokensOrPasswords()
    {
        var capture = new CapturingLoggerProvider();
        var clock = new FailingClock();
        await using var host = App.NewHost(configure: builder =>
        {
            builder.ConfigureLogging(logging => logging.AddProvider(capture).AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace));
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock));
        });
        using var client = host.CreateClient(App.Token);
        var password = "Pa55-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var newPassword = "Pa55-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
        var wrongToken = "wrong-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

        using (var created = await client.PostScimAsync(Urls.Users, new { schemas = new[] { UserUrn }, userName = "secret@example.com", password }))
        {
            await created.AssertStatusAsync(HttpStatusCode.Created);
            var id = (await created.ReadJsonAsync()).Id();
            using var patched = await client.PatchScimAsync(Urls.User(id),
                HttpExtensions.PatchOp(new { op = "replace", path = "password", value = newPassword }));
            await patched.AssertStatusAsync(HttpStatusCode.OK);
        }
        using (var conflict = await client.PostScimAsync(Urls.Users, new { schemas = new[] { UserUrn }, userName = "SECRET@example.com", password }))
            await conflict.AssertStatusAsync(HttpStatusCode.Conflict);
        foreach (var header in new[] { $"Bearer {wrongToken}", $"Basic {wrongToken}", $"Bearer {App.Token}x" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Urls.Users);
            request.Headers.TryAddWithoutValidation("Authorization", header);
            using var rejected = await client.SendAsync(request);
            await rejected.AssertStatusAsync(HttpStatusCode.Unauthorized);
        }
        clock.Fail = true;
        using (var failed = await client.PostScimAsync(Urls.Users, new { schemas = new[] { UserUrn }, userName = "boom@example.com", password }))
        {
            clock.Fail = false;
            await failed.AssertStatusAsync(HttpStatusCode.InternalServerError);
            var body = await failed.Content.ReadAsStringAsync();
            Assert.DoesNotContain("Simulated", body); // a 500 never echoes the exception
        }

        var log = capture.Entries.ToList();
        output.WriteLine($"{log.Count} log entries captured at Trace");
        Assert.Contains(log, entry => entry.Contains("Simulated clock failure")); // the 500's cause was logged, so capture works
        foreach (var secret in new[] { App.Token, password, newPassword, wrongToken })
            Assert.DoesNotContain(log, entry => entry.Contains(secret, StringComparison.Ordinal));
        Assert.DoesNotContain(log, entry => entry.Contains("Bearer ", StringComparison.OrdinalIgnoreCase) && !entry.Contains("Bearer realm"));
    }
}
