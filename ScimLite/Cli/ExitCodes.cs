namespace ScimLite.Cli;

/// <summary>What every verb's exit code means (docs/operations.md, "Exit codes").</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Refused or failed: a restore that cannot be done, doctor found problems, a name that exists.</summary>
    public const int Failed = 1;

    /// <summary>Usage: an unknown verb or option, a missing or malformed argument.</summary>
    public const int Usage = 2;

    /// <summary>Configuration invalid, database unreachable, or its schema not current.</summary>
    public const int Environment = 3;

    /// <summary>Interrupted (Ctrl-C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;
}

/// <summary>
/// A verb's failure the operator can act on: its message is printed as one line on stderr (no stack trace) and the
/// process exits with <see cref="ExitCode"/>.
/// </summary>
public sealed class CliFailure(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliFailure Usage(string message) => new(ExitCodes.Usage, message);

    public static CliFailure Environment(string message) => new(ExitCodes.Environment, message);
}
