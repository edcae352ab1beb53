using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace ScimLite.Auth;

/// <summary>
/// Which client a bearer token belongs to. Holds every accepted token as a SHA-256 digest: the clients named in
/// configuration, and a snapshot of the client table that <see cref="ClientRefresher"/> replaces every
/// <see cref="ClientOptions.TokenRefreshSeconds"/>, so a request never waits on the database. A presented token is
/// hashed once and compared with every digest in constant time, so neither a match's position nor a near miss shows in
/// the timing. Expiry and grace ends are checked against the clock on each request.
/// </summary>
public sealed class ClientDirectory
{
    /// <summary>One accepted digest; <paramref name="NotAfter"/> ends it (expiry, or the end of a rotation's grace).</summary>
    sealed record Entry(byte[] Digest, ScimClient Client, DateTime? NotAfter, bool FromTable);

    static readonly TimeSpan LastUsedInterval = TimeSpan.FromMinutes(1);

    readonly Entry[] configured;
    readonly TimeProvider clock;
    volatile Entry[] table = [];
    readonly TaskCompletionSource loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly ConcurrentDictionary<string, DateTime> noted = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, DateTime> unwritten = new(StringComparer.Ordinal);

    public ClientDirectory(IConfiguration configuration, IOptions<ClientOptions> options, TimeProvider clock)
    {
        this.clock = clock;
        configured = [.. Configured(configuration, options.Value)];
    }

    /// <summary>
    /// <c>Scim:Tokens:&lt;i&gt;</c> as <c>config-&lt;i&gt;</c> (the format before named clients), and
    /// <c>Scim:Clients:&lt;i&gt;</c> under their own names.
    /// </summary>
    static IEnumerable<Entry> Configured(IConfiguration configuration, ClientOptions options)
    {
        foreach (var token in configuration.GetSection("Scim:Tokens").GetChildren())
        {
            if (!string.IsNullOrWhiteSpace(token.Value))
                yield return new Entry(ScimClient.ConfiguredDigest(token.Value, "Scim:Tokens"), new ScimClient($"config-{token.Key}"), null, false);
        }
        foreach (var client in options.Clients)
        {
            if (string.IsNullOrWhiteSpace(client.Name) || string.IsNullOrWhiteSpace(client.Token))
                throw new InvalidOperationException("Each Scim:Clients entry needs a Name and a Token (the token, or sha256:<hex> of it).");
            yield return new Entry(ScimClient.ConfiguredDigest(client.Token, "Scim:Clients:Token"),
                new ScimClient(client.Name.Trim(), client.PermitsPerSecond, client.Burst), null, false);
        }
    }

    /// <summary>The clients named in configuration (for <c>tokens list</c>).</summary>
    public IEnumerable<ScimClient> ConfiguredClients => configured.Select(entry => entry.Client);

    /// <summary>Completes once the client table has been read (or the first attempt failed), so start-up never refuses a good token.</summary>
    public Task Loaded => loaded.Task;

    /// <summary>The client this token belongs to, or null. Every token takes the same path: one hash, every digest compared.</summary>
    public ScimClient? Identify(ReadOnlySpan<char> token)
    {
        var presented = ScimClient.Digest(token);
        Entry? match = null;
        foreach (var entry in configured)
            if (CryptographicOperations.FixedTimeEquals(presented, entry.Digest)) match = entry;
        foreach (var entry in table)
            if (CryptographicOperations.FixedTimeEquals(presented, entry.Digest)) match = entry;
        if (match is null)
            return null;
        if (match.NotAfter is null && !match.FromTable)
            return match.Client;
        var now = clock.GetUtcNow().UtcDateTime;
        if (now >= match.NotAfter)
            return null;
        if (match.FromTable)
            NoteUse(match.Client.Name, now);
        return match.Client;
    }

    /// <summary>Queues a last-used time at most once a minute per client; <see cref="ClientRefresher"/> writes it.</summary>
    void NoteUse(string name, DateTime now)
    {
        if (noted.TryGetValue(name, out var last) && now - last < LastUsedInterval)
            return;
        noted[name] = now;
        unwritten[name] = now;
    }

    /// <summary>Takes the queued last-used times.</summary>
    internal (string[] Names, DateTime[] Times) TakeUnwritten()
    {
        var names = new List<string>();
        var times = new List<DateTime>();
        foreach (var name in unwritten.Keys)
        {
            if (unwritten.TryRemove(name, out var time))
            {
                names.Add(name);
                times.Add(time);
            }
        }
        return ([.. names], [.. times]);
    }

    /// <summary>Replaces the table snapshot: each client's current digest, and its previous one while in grace.</summary>
    internal void Replace(IEnumerable<ClientRow> rows)
    {
        var entries = new List<Entry>();
        foreach (var row in rows)
        {
            var client = new ScimClient(row.Name, row.PermitsPerSecond, row.Burst);
            entries.Add(new Entry(row.TokenDigest, client, row.Expires, true));
            if (row.PreviousDigest is { } previous && row.PreviousValidUntil is { } graceEnd)
                entries.Add(new Entry(previous, client, row.Expires is { } expires && expires < graceEnd ? expires : graceEnd, true));
        }
        table = [.. entries];
    }

    internal void MarkLoaded() => loaded.TrySetResult();
}
