using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ScimLite.Tests.Cli;

/// <summary>What a run of the ScimLite binary did: exit code, stdout, stderr and how long it took.</summary>
public sealed record CliRun(int Exit, string Output, string Errors, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {Exit} after {Elapsed.TotalSeconds:F1} s\nstdout: {Output}\nstderr: {Errors}";
}

/// <summary>
/// Runs the built ScimLite.dll (beside the test assembly) as an operator would: a process of its own, with no ScimLite
/// configuration in its environment unless given, killed if it outlives <see cref="Limit"/>.
/// </summary>
public static class CliProcess
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static async Task<CliRun> RunAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ScimLite.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("Scim__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
            start.Environment[key] = value;

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return new CliRun(-1, await output, await errors + $"\n(killed after {Limit.TotalSeconds} s)", clock.Elapsed);
        }
        return new CliRun(process.ExitCode, await output, await errors, clock.Elapsed);
    }

    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(args, null);
}

/// <summary>A TCP port that accepts connections and never answers: a database host that hangs.</summary>
public sealed class SilentPort : IDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly List<TcpClient> held = [];
    readonly CancellationTokenSource stop = new();

    public SilentPort()
    {
        listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    async Task AcceptAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
                held.Add(await listener.AcceptTcpClientAsync(stop.Token));
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        foreach (var client in held)
            client.Dispose();
    }
}
