using ScimLite.Doctor;
using ScimLite.Tests.Infrastructure;
using ScimLite.Tests.Safety;
using Xunit.Abstractions;

namespace ScimLite.Tests.Doctor;

/// <summary>
/// Doctor and the deprovisioning brake: its own create-then-delete is not counted, so a default server survives it run
/// after run; with the brake engaged, it names the brake (not the database or the proxy) and says what it left behind.
/// </summary>
public sealed class DoctorBrakeTests(ScimApp app, ITestOutputHelper log) : ScimTest(app)
{
    async Task<(int Exit, string Output)> RunAsync()
    {
        using var handler = App.Factory.Server.CreateHandler();
        var output = new StringWriter();
        var exit = await DoctorRun.RunAsync(new DoctorSettings(new Uri("http://localhost/scim/v2"), App.Token), output, handler);
        log.WriteLine(output.ToString());
        return (exit, output.ToString());
    }

    [Fact]
    public async Task NineRunsInARow_OnADefaultServer_NeverFeedTheBrake()
    {
        // Each run deactivates and deletes its users and group: six deprovisionings a run, 54 in nine runs, which
        // engaged the default brake (more than 50) when they were counted.
        for (var run = 0; run < 9; run++)
        {
            var (exit, output) = await RunAsync();
            Assert.True(exit == 0, output);
        }
        Assert.Equal(0L, await App.ScalarAsync<long>("SELECT count(*) FROM deprovisioning_events"));
        Assert.False(await App.ScalarAsync<bool>("SELECT coalesce((SELECT engaged FROM brake), false)"));
    }

    [Fact]
    public async Task BrakeEngaged_DoctorNamesTheBrake_AndSaysWhatItCouldNotDelete()
    {
        Assert.Equal(0, (await App.VerbAsync("brake", "engage", "--reason", "doctor test")).Code);

        var (exit, output) = await RunAsync();

        Assert.Equal(1, exit);
        Assert.Contains("the deprovisioning brake is engaged — see `ScimLite brake status`", output);
        Assert.DoesNotContain("cannot reach its database", output);
        Assert.Contains("not deleted: the deprovisioning brake held DELETE /Users/", output);
        Assert.Contains("is left behind", output);
        var left = await App.ScalarAsync<long>("SELECT count(*) FROM users WHERE user_name LIKE 'scimlite-doctor-%'");
        Assert.True(left > 0);
        Assert.Equal(left, (long)System.Text.RegularExpressions.Regex.Matches(output, "not deleted: the deprovisioning brake held DELETE /Users/").Count);
    }
}
