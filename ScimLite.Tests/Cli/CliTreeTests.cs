using ScimLite.Cli;

namespace ScimLite.Tests.Cli;

/// <summary>The command tree as a whole: every command shows an example, every typo finds its word.</summary>
public class CliTreeTests
{
    [Fact]
    public void EveryCommand_HasAnExample_ThatNamesIt()
    {
        var missing = Examples.Walk(ScimLiteCli.Build())
            .Where(c => Examples.For(c.Path) is not { } example || !example.Contains($"ScimLite {c.Path.Split(' ')[0]}", StringComparison.Ordinal))
            .Select(c => c.Path)
            .ToList();

        Assert.True(missing.Count == 0, "no example, or one for another command: " + string.Join(", ", missing));
        Assert.NotNull(Examples.For(""));
    }

    [Theory]
    [InlineData("tokns", "tokens")]
    [InlineData("jurnal", "journal")]
    [InlineData("brkae", "brake")]
    [InlineData("restroe", "restore")]
    [InlineData("migrat", "migrate")]
    [InlineData("--usr", "--user")]
    [InlineData("--sinse", "--since")]
    [InlineData("xyz", null)]
    [InlineData("delete", null)]
    public void Suggestions_FindTheWordMeant_AndNothingFarOff(string typed, string? expected)
    {
        string[] words = ["serve", "migrate", "tokens", "journal", "brake", "restore", "doctor", "--user", "--group", "--since", "--limit"];

        Assert.Equal(expected, Suggestions.Closest(typed, words));
    }
}
