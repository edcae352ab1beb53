using System.Text;
using System.Text.Json;

namespace ScimLite.Webhooks;

/// <summary>One journal row as the change feed reads it: its feed position (xid, seq) and what it says.</summary>
public sealed record FeedRow(string Xid, long Seq, DateTime At, string? Client, string ResourceType, Guid ResourceId, string? Name,
    string Action, string Changes);

/// <summary>
/// What a receiver gets: a JSON array of events, each a journal row —
/// <c>{"type": "user.deactivated", "id": "&lt;endpoint&gt;-&lt;xid&gt;-&lt;seq&gt;", "seq": 57, "at": "…Z", "resource":
/// {"type": "User", "id": "…", "name": "alice@example.com"}, "client": "okta-prod", "changes": {…}}</c>. The journal
/// holds no password (only "set" / "cleared") and no token, so neither can be sent.
/// </summary>
public static class WebhookEvents
{
    /// <summary>The type of a connectivity check sent by <c>ScimLite webhooks test</c>.</summary>
    public const string PingType = "ping";

    /// <summary>An event's id: stable across retries and restarts, unique per endpoint, so a receiver can de-duplicate.</summary>
    public static string EventId(string endpoint, FeedRow row) => $"{endpoint}-{row.Xid}-{row.Seq}";

    /// <summary><c>user.deactivated</c>, <c>group.members_removed</c>.</summary>
    public static string Type(FeedRow row) => $"{row.ResourceType.ToLowerInvariant()}.{row.Action}";

    /// <summary>
    /// The <c>webhook-id</c> of a batch: its first event's id and its size. A batch's events are fixed before its first
    /// attempt (webhook_positions.batch_xid / batch_seq), so every retry, also after a restart, carries the same id.
    /// </summary>
    public static string MessageId(string endpoint, IReadOnlyList<FeedRow> batch) => $"{EventId(endpoint, batch[0])}.{batch.Count}";

    /// <summary>The POST body of a batch: a JSON array of its events, in feed order.</summary>
    public static string Body(string endpoint, IReadOnlyList<FeedRow> batch) => Array(json =>
    {
        foreach (var row in batch)
        {
            json.WriteStartObject();
            json.WriteString("type", Type(row));
            json.WriteString("id", EventId(endpoint, row));
            json.WriteNumber("seq", row.Seq);
            json.WriteString("at", DateTime.SpecifyKind(row.At.ToUniversalTime(), DateTimeKind.Utc));
            json.WriteStartObject("resource");
            json.WriteString("type", row.ResourceType);
            json.WriteString("id", row.ResourceId);
            json.WriteString("name", row.Name);
            json.WriteEndObject();
            json.WriteString("client", row.Client);
            json.WritePropertyName("changes");
            json.WriteRawValue(row.Changes, skipInputValidation: true);
            json.WriteEndObject();
        }
    });

    /// <summary>A ping: <c>[{"type": "ping", "id": "&lt;endpoint&gt;-ping-&lt;unix ms&gt;", "at": …}]</c>, and its id.</summary>
    public static (string Id, string Body) Ping(string endpoint, DateTimeOffset now)
    {
        var id = $"{endpoint}-ping-{now.ToUnixTimeMilliseconds()}";
        return (id, Array(json =>
        {
            json.WriteStartObject();
            json.WriteString("type", PingType);
            json.WriteString("id", id);
            json.WriteString("at", now.UtcDateTime);
            json.WriteEndObject();
        }));
    }

    static string Array(Action<Utf8JsonWriter> writeItems)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            writeItems(json);
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
