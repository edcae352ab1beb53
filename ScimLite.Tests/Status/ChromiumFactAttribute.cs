namespace ScimLite.Tests.Status;

/// <summary>
/// A test that drives the operating system's Chromium (<see cref="ExecutablePath"/>) through Playwright, since browser
/// downloads are not available. Skipped, saying why, where it is not installed; scripts/test.sh installs it when run as
/// root, so CI always runs these tests.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(ExecutablePath))
            Skip = $"No Chromium at {ExecutablePath}: install it (apt-get install chromium; scripts/test.sh does so as root) to run the status page's browser tests.";
    }
}
