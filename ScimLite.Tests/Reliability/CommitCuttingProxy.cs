using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace ScimLite.Tests.Reliability;

/// <summary>
/// A loopback TCP proxy in front of PostgreSQL that, once armed, loses the answer to the next commit: a COMMIT, or the
/// batch of a one-statement write (Db.InOneStatementAsync), which PostgreSQL commits at the batch's end. It passes the
/// messages to the server, holds back whatever the server replies, lets the server finish, then cuts the connection.
/// The client sees a broken connection for a transaction that did commit — the ambiguous case a retry must survive.
/// </summary>
public sealed class CommitCuttingProxy : IAsyncDisposable
{
    /// <summary>The simple-protocol Query message Npgsql sends to commit: 'Q', length 11, "COMMIT\0".</summary>
    static readonly byte[] Commit = [(byte)'Q', 0, 0, 0, 11, .. Encoding.ASCII.GetBytes("COMMIT\0")];

    /// <summary>The writer's context in front of a write's statement (its text goes out until Npgsql has prepared it).</summary>
    static readonly byte[] WriteContext = Encoding.ASCII.GetBytes("CALL scimlite_write_context(");

    /// <summary>Npgsql's BEGIN, sent in front of an explicit transaction's first statement.</summary>
    static readonly byte[] Begin = Encoding.ASCII.GetBytes("BEGIN");

    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource stop = new();
    readonly string targetHost;
    readonly int targetPort;
    readonly Task acceptLoop;
    int armed;
    int cuts;

    public CommitCuttingProxy(string targetConnectionString)
    {
        var target = new NpgsqlConnectionStringBuilder(targetConnectionString);
        (targetHost, targetPort) = (target.Host!, target.Port);
        listener.Start();
        ConnectionString = new NpgsqlConnectionStringBuilder(targetConnectionString)
        {
            Host = "127.0.0.1", Port = ((IPEndPoint)listener.LocalEndpoint).Port,
        }.ConnectionString;
        acceptLoop = AcceptAsync();
    }

    /// <summary>The target's connection string, pointed at the proxy.</summary>
    public string ConnectionString { get; }

    /// <summary>How many commits' answers were lost so far.</summary>
    public int Cuts => Volatile.Read(ref cuts);

    /// <summary>Loses the answer to the next commit any connection sends.</summary>
    public void ArmForNextCommit() => Interlocked.Exchange(ref armed, 1);

    async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (OperationCanceledException) { return; }
            _ = Task.Run(() => RelayAsync(client));
        }
    }

    async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(targetHost, targetPort, stop.Token);
            var swallow = new Flag();
            var upstream = PumpToServerAsync(client, server, swallow);
            var downstream = PumpAsync(server.GetStream(), client.GetStream(), swallow);
            await Task.WhenAny(upstream, downstream);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A connection ending is the normal end of a relay.
        }
        finally
        {
            client.Client.LingerState = new LingerOption(true, 0); // reset, as a network failure would
            client.Close();
        }
    }

    async Task PumpToServerAsync(TcpClient client, TcpClient server, Flag swallow)
    {
        var buffer = new byte[64 * 1024];
        var from = client.GetStream();
        var to = server.GetStream();
        int n;
        while ((n = await from.ReadAsync(buffer, stop.Token)) > 0)
        {
            var cut = Commits(buffer.AsSpan(0, n)) && Interlocked.Exchange(ref armed, 0) == 1;
            if (cut)
                swallow.Value = true;
            await to.WriteAsync(buffer.AsMemory(0, n), stop.Token);
            if (!cut)
                continue;
            // Give the server time to commit and answer (the answer is swallowed), then drop the client's connection.
            await Task.Delay(TimeSpan.FromMilliseconds(300), stop.Token);
            Interlocked.Increment(ref cuts);
            return;
        }
    }

    /// <summary>A COMMIT, or a write's context with no BEGIN before it: a one-statement write, committed at its batch's end.</summary>
    static bool Commits(ReadOnlySpan<byte> messages) =>
        messages.IndexOf(Commit) >= 0 || (messages.IndexOf(WriteContext) >= 0 && messages.IndexOf(Begin) < 0);

    async Task PumpAsync(Stream from, Stream to, Flag swallow)
    {
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await from.ReadAsync(buffer, stop.Token)) > 0)
        {
            if (!swallow.Value)
                await to.WriteAsync(buffer.AsMemory(0, n), stop.Token);
        }
    }

    sealed class Flag
    {
        public volatile bool Value;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try { await acceptLoop; }
        catch (OperationCanceledException) { }
        stop.Dispose();
    }
}
