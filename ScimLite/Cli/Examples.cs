using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace ScimLite.Cli;

/// <summary>
/// One working example per command, shown at the end of its own <c>--help</c>. Every command needs one (a test walks the
/// tree), so a new verb cannot ship without it.
/// </summary>
public static class Examples
{
    static readonly Dictionary<string, string> ByPath = new(StringComparer.Ordinal)
    {
        [""] = "ScimLite brake status",
        ["serve"] = "ScimLite serve --urls http://0.0.0.0:8080",
        ["migrate"] = "ScimLite migrate --dry-run",
        ["tokens"] = "ScimLite tokens list",
        ["tokens add"] = "ScimLite tokens add okta-prod --expires 90d",
        ["tokens list"] = "ScimLite tokens list",
        ["tokens revoke"] = "ScimLite tokens revoke okta-prod",
        ["tokens rotate"] = "ScimLite tokens rotate okta-prod --grace 24h",
        ["journal"] = "ScimLite journal --user alice@example.com --since 2h",
        ["requests"] = "ScimLite requests --client okta-prod --status 4xx --since 1h",
        ["requests show"] = "ScimLite requests show 1234",
        ["requests capture"] = "ScimLite requests capture okta-prod --for 30m",
        ["webhooks"] = "ScimLite webhooks status",
        ["webhooks status"] = "ScimLite webhooks status --json",
        ["webhooks replay"] = "ScimLite webhooks replay sessions-app --from 2h",
        ["webhooks test"] = "ScimLite webhooks test sessions-app",
        ["brake"] = "ScimLite brake status",
        ["brake status"] = "ScimLite brake status",
        ["brake release"] = "ScimLite brake release",
        ["brake engage"] = "ScimLite brake engage --reason \"Okta import under review\"",
        ["restore"] = "ScimLite restore user alice@example.com",
        ["restore user"] = "ScimLite restore user alice@example.com",
        ["restore group"] = "ScimLite restore group Engineering",
        ["doctor"] = "SCIMLITE_DOCTOR_TOKEN=… ScimLite doctor --url https://scim.example.com/scim/v2",
        ["extensions"] = "ScimLite extensions check",
        ["extensions check"] = "ScimLite extensions check",
    };

    /// <summary>The path of each command below the root, e.g. "tokens add".</summary>
    public static IEnumerable<(string Path, Command Command)> Walk(Command command, string path = "")
    {
        foreach (var sub in command.Subcommands)
        {
            var subPath = path.Length == 0 ? sub.Name : $"{path} {sub.Name}";
            yield return (subPath, sub);
            foreach (var nested in Walk(sub, subPath))
                yield return nested;
        }
    }

    public static string? For(string path) => ByPath.GetValueOrDefault(path);

    /// <summary>Every <c>--help</c> ends with the command's example.</summary>
    public static void Apply(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithExample((SynchronousCommandLineAction)help.Action!);
    }

    /// <summary>The standard help, then "Example:" and the command line.</summary>
    public sealed class HelpWithExample(SynchronousCommandLineAction standard) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parse)
        {
            var code = standard.Invoke(parse);
            var path = ScimLiteCli.Name(parse).Split(' ', 2) is [_, var below] ? below : "";
            if (For(path) is { } example)
            {
                var output = parse.InvocationConfiguration.Output;
                output.WriteLine("Example:");
                output.WriteLine($"  {example}");
                output.WriteLine();
            }
            return code;
        }
    }
}
