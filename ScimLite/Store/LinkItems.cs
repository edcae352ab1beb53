using Npgsql;
using ScimLite.Scim;
using ScimLite.Store.Kinds;

namespace ScimLite.Store;

/// <summary>
/// The items of a streamed computed attribute (<see cref="LinkStorage.Streamed"/>, a group's members) for the resources of
/// one response, read row by row with a data reader and written as they arrive: the response never holds more than
/// one buffer of them, whether a group has ten members or a hundred thousand.
/// </summary>
public sealed class LinkItems : IAsyncDisposable
{
    readonly NpgsqlCommand command;
    readonly NpgsqlDataReader reader;
    readonly LinkStorage link;
    readonly string baseUrl;
    readonly CancellationToken ct;
    bool hasRow;

    LinkItems(NpgsqlCommand command, NpgsqlDataReader reader, bool hasRow, LinkStorage link, string baseUrl, CancellationToken ct)
    {
        this.command = command;
        this.reader = reader;
        this.hasRow = hasRow;
        this.link = link;
        this.baseUrl = baseUrl;
        this.ct = ct;
    }

    /// <summary>Starts reading the items of <paramref name="ids"/>, in that order.</summary>
    public static async Task<LinkItems> OpenAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, LinkStorage link, Guid[] ids,
        string baseUrl, CancellationToken ct)
    {
        var command = new NpgsqlCommand(link.ItemsQuery, connection, tx);
        command.Parameters.AddWithValue("link_ids", ids);
        var reader = await command.ExecuteReaderAsync(ct);
        return new LinkItems(command, reader, await reader.ReadAsync(ct), link, baseUrl, ct);
    }

    /// <summary>
    /// Writes the items of the resource at <paramref name="position"/> (from 1) as the array <paramref name="name"/>;
    /// a resource without items gets no array at all (unassigned, RFC 7643 §2.5).
    /// </summary>
    public async Task WriteAsync(JsonStream stream, string name, long position)
    {
        var w = stream.Writer;
        var started = false;
        while (hasRow && reader.GetInt64(0) <= position)
        {
            if (reader.GetInt64(0) == position)
            {
                if (!started)
                {
                    w.WriteStartArray(name);
                    started = true;
                }
                link.WriteItem(w, baseUrl, reader.GetGuid(1).ToString(), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3));
                await stream.FlushIfFullAsync();
            }
            hasRow = await reader.ReadAsync(ct);
        }
        if (started)
            w.WriteEndArray();
    }

    public async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync();
        await command.DisposeAsync();
    }
}
