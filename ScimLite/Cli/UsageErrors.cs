using System.CommandLine;

namespace ScimLite.Cli;

/// <summary>One line for a command line that did not parse, with a "did you mean" where a name is close.</summary>
public static class UsageErrors
{
    public static string Describe(ParseResult parse)
    {
        var name = ScimLiteCli.Name(parse);
        var command = parse.CommandResult.Command;
        var help = $"See '{name} --help'.";
        if (parse.UnmatchedTokens.FirstOrDefault() is { } token)
        {
            if (token.StartsWith('-'))
                return $"{name}: unknown option '{token}'.{Hint(token, command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)))} {help}";
            if (command.Subcommands.Count > 0)
                return $"{name}: '{token}' is not a command.{Hint(token, command.Subcommands.Select(c => c.Name))} {help}";
            return $"{name}: unexpected argument '{token}'. {help}";
        }
        if (command.Subcommands.Count > 0 && command.Action is null)
            return $"{name}: say which: {string.Join(", ", command.Subcommands.Select(c => c.Name))}. {help}";
        return $"{name}: {parse.Errors[0].Message.TrimEnd('.')}. {help}";
    }

    static string Hint(string typed, IEnumerable<string> candidates) =>
        Suggestions.Closest(typed, candidates) is { } close ? $" Did you mean '{close}'?" : "";
}

/// <summary>The closest name to a mistyped one, by edit distance, when it is close enough to be what was meant.</summary>
public static class Suggestions
{
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
                (best, bestDistance) = (candidate, distance);
        }
        // One edit in a short word, a third of the letters in a longer one: "tokns" → tokens, "--usr" → --user.
        return best is not null && bestDistance <= Math.Max(1, best.TrimStart('-').Length / 3) ? best : null;
    }

    /// <summary>Damerau–Levenshtein (optimal string alignment): a swapped pair of letters is one edit.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
