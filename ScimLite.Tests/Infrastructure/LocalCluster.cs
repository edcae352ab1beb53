using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ScimLite.Tests.Infrastructure;

/// <summary>A cluster made with initdb and run with pg_ctl; as root, both run as the <c>postgres</c> user.</summary>
sealed class LocalCluster : IAsyncDisposable
{
    readonly string bin;
    readonly string root;
    readonly int port;

    LocalCluster(string bin, string root, int port) => (this.bin, this.root, this.port) = (bin, root, port);

    string DataDir => Path.Combine(root, "data");

    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = port, Username = "postgres", Database = "postgres", IncludeErrorDetail = true,
    }.ConnectionString;

    static bool IsRoot => Environment.UserName == "root";

    public static async Task<LocalCluster> CreateAsync()
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries (initdb, pg_ctl) found on PATH or in /usr/lib/postgresql/*/bin. " +
            "Install them (Debian: apt-get install postgresql), or set SCIMLITE_TEST_CONNECTION or SCIMLITE_TEST_DOCKER=1.");
        // initdb refuses to run as root, and the postgres user must be able to reach the directory: /tmp works.
        var parent = IsRoot ? "/tmp" : Path.GetTempPath();
        var root = Path.Combine(parent, $"scimlite-pg-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var cluster = new LocalCluster(bin, root, FreePort());
        try
        {
            if (IsRoot) await RunAsync("chown", ["postgres:postgres", root]);
            await cluster.RunPgAsync("initdb", ["-D", cluster.DataDir, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"]);
            // Settings go into the config file (not pg_ctl -o) so a restart comes back identical. fsync=off trades
            // durability against an OS crash for speed; synchronous_commit stays on because StopAsync is an
            // immediate (crash) stop, and with it off the last commits, even the migration, would vanish.
            // (Root may append to the postgres-owned file.)
            await File.AppendAllTextAsync(Path.Combine(cluster.DataDir, "postgresql.conf"), $"""

                port = {cluster.port}
                listen_addresses = '127.0.0.1'
                unix_socket_directories = '{root}'
                fsync = off
                full_page_writes = off
                max_connections = 200

                """);
            await cluster.StartAsync();
            cluster.StartWatchdog();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public Task StartAsync() =>
        RunPgAsync("pg_ctl", ["-D", DataDir, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "start"]);

    public Task StopAsync() => RunPgAsync("pg_ctl", ["-D", DataDir, "-m", "immediate", "-w", "stop"]);

    /// <summary>
    /// A killed test run (timeout, Ctrl-C, hang blame) never reaches DisposeAsync; a detached shell waits for this
    /// process to end and then stops the cluster and deletes it, so no orphan postmaster is left behind.
    /// </summary>
    void StartWatchdog()
    {
        string[] stop = [Path.Combine(bin, "pg_ctl"), "-D", DataDir, "-m", "immediate", "stop"];
        if (IsRoot) stop = ["runuser", "-u", "postgres", "--", .. stop];
        const string script = """
            exec </dev/null >/dev/null 2>&1
            owner=$1; dir=$2; shift 2
            while kill -0 "$owner"; do sleep 2; done
            [ -f "$dir/data/postmaster.pid" ] && "$@"
            rm -rf "$dir"
            """;
        // setsid (where present) keeps the watchdog alive when the test run's process group is killed.
        var setsid = File.Exists("/usr/bin/setsid");
        var psi = new ProcessStartInfo(setsid ? "/usr/bin/setsid" : "sh")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        string[] args = [.. setsid ? ["sh"] : Array.Empty<string>(), "-c", script, "watchdog", Environment.ProcessId.ToString(), root, .. stop];
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        using var _ = Process.Start(psi);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (File.Exists(Path.Combine(DataDir, "postmaster.pid"))) await StopAsync();
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); }
            catch (IOException) { } // best effort: a leftover temp dir must not fail the run
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static string? FindBinaries()
    {
        static bool Has(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        var found = onPath.FirstOrDefault(Has);
        if (found is not null) return found;
        // Debian keeps the server binaries off PATH, one directory per major version.
        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (dir: Path.Combine(d, "bin"), version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(x => Has(x.dir))
                .OrderByDescending(x => x.version)
                .Select(x => x.dir)
                .FirstOrDefault()
            : null;
    }

    Task RunPgAsync(string tool, string[] args)
    {
        var exe = Path.Combine(bin, tool);
        return IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", exe, .. args]) : RunAsync(exe, args);
    }

    static async Task RunAsync(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', args)} exited {process.ExitCode}:\n{await stdout}\n{await stderr}");
    }
}
