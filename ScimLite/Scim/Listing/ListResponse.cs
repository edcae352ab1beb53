using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Listing;

/// <summary>
/// A page of resources as a ListResponse (RFC 7644 §3.4.2): itemsPerPage is what this page holds. Written with bounded
/// buffering (<see cref="JsonStream"/>): what is written so far goes to the client between items.
/// </summary>
public static class ListResponse
{
    /// <summary>The ListResponse with <paramref name="count"/> resources, each written by <paramref name="writeItem"/> (given its index).</summary>
    public static async Task WriteAsync(JsonStream stream, long totalResults, int? startIndex, int count, string? nextCursor,
        Func<int, Task> writeItem)
    {
        var w = stream.Writer;
        w.WriteStartObject();
        w.WriteStartArray("schemas");
        w.WriteStringValue(ScimUrns.ListResponse);
        w.WriteEndArray();
        w.WriteNumber("totalResults", totalResults);
        w.WriteNumber("itemsPerPage", count);
        if (startIndex is not null)
            w.WriteNumber("startIndex", startIndex.Value);
        if (nextCursor is not null)
            w.WriteString("nextCursor", nextCursor);
        w.WriteStartArray("Resources");
        for (var i = 0; i < count; i++)
        {
            await writeItem(i);
            await stream.FlushIfFullAsync();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
