using System.Text.Json;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Listing;

/// <summary>A page of resources as a ListResponse (RFC 7644 §3.4.2): itemsPerPage is what this page holds.</summary>
public static class ListResponse
{
    public static IResult Result<T>(long totalResults, int? startIndex, IReadOnlyList<T> items, Action<Utf8JsonWriter, T> writeItem,
        string? nextCursor = null) =>
        ScimJson.Result(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("schemas");
            w.WriteStringValue(ScimUrns.ListResponse);
            w.WriteEndArray();
            w.WriteNumber("totalResults", totalResults);
            w.WriteNumber("itemsPerPage", items.Count);
            if (startIndex is not null)
                w.WriteNumber("startIndex", startIndex.Value);
            if (nextCursor is not null)
                w.WriteString("nextCursor", nextCursor);
            w.WriteStartArray("Resources");
            foreach (var item in items)
                writeItem(w, item);
            w.WriteEndArray();
            w.WriteEndObject();
        });
}
