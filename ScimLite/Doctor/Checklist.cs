namespace ScimLite.Doctor;

/// <summary>
/// What <c>doctor</c> prints: one line per check, <c>✔</c> passed, <c>✘</c> failed with its likely cause, <c>⚠</c> a
/// warning that does not fail the run. Counts decide the exit code.
/// </summary>
public sealed class Checklist(TextWriter output)
{
    public int Passed { get; private set; }
    public int Failed { get; private set; }
    public int Warnings { get; private set; }

    public void Section(string title)
    {
        output.WriteLine();
        output.WriteLine(title);
    }

    public void Pass(string check)
    {
        Passed++;
        output.WriteLine($"  ✔ {check}");
    }

    public void Warn(string check, string advice)
    {
        Warnings++;
        output.WriteLine($"  ⚠ {check}");
        output.WriteLine($"      {advice}");
    }

    public void Fail(string check, string cause)
    {
        Failed++;
        output.WriteLine($"  ✘ {check}");
        output.WriteLine($"      likely cause: {cause}");
    }

    /// <summary>Records a failure and returns the exception that ends the checks depending on this one.</summary>
    public CheckStopped Stop(string check, string cause)
    {
        Fail(check, cause);
        return new CheckStopped();
    }

    public void Note(string text) => output.WriteLine($"  {text}");

    public int Finish()
    {
        output.WriteLine();
        output.WriteLine(Failed == 0
            ? $"All {Passed} checks passed{(Warnings > 0 ? $" ({Warnings} warning{(Warnings == 1 ? "" : "s")})" : "")}."
            : $"{Failed} failed, {Passed} passed, {Warnings} warning{(Warnings == 1 ? "" : "s")}.");
        return Failed == 0 ? 0 : 1;
    }
}

/// <summary>Thrown after a failure that makes the following checks of the same group meaningless.</summary>
public sealed class CheckStopped : Exception;
