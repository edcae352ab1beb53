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
    readonly byte[] baseUrl;
    readonly CancellationToken ct;
    bool hasRow;
    byte[] display = new byte[256];
    byte[] type = new byte[16];

    LinkItems(NpgsqlCommand command, NpgsqlDataReader reader, bool hasRow, LinkStorage link, string baseUrl, CancellationToken ct)
    {
        this.command = command;
        this.reader = reader;
        this.hasRow = hasRow;
        this.link = link;
        this.baseUrl = System.Text.Encoding.UTF8.GetBytes(baseUrl);
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
                var hasDisplay = !reader.IsDBNull(2);
                var displayLength = hasDisplay ? Read(2, ref display) : 0;
                var typeLength = Read(3, ref type);
                link.WriteItem(w, baseUrl, reader.GetGuid(1), display.AsSpan(0, displayLength), hasDisplay, type.AsSpan(0, typeLength));
                await stream.FlushIfFullAsync();
            }
            hasRow = await reader.ReadAsync(ct);
        }
        if (started)
            w.WriteEndArray();
    }

    /// <summary>Copies the bytes of column <paramref name="ordinal"/> into <paramref name="buffer"/>, grown when short; returns their length.</summary>
    int Read(int ordinal, ref byte[] buffer)
    {
        var length = (int)reader.GetBytes(ordinal, 0, null, 0, 0);
        if (buffer.Length < length)
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        reader.GetBytes(ordinal, 0, buffer, 0, length);
        return length;
    }

    public async ValueTask DisposeAsync()
    {
        await reader.DisposeAsync();
        await command.DisposeAsync();
    }
}
