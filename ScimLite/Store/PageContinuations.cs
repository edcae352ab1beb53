using Microsoft.Extensions.Caching.Memory;
using ScimLite.Scim.Schema;

namespace ScimLite.Store;

/// <summary>
/// Where the next index page of an unfiltered, unsorted list begins. Identity providers import by walking
/// <c>startIndex</c> 1, 101, 201, …, and OFFSET makes page k step over k × count index entries, so a whole import costs
/// n² / count: at a million users the last pages each walk a million entries. So every such page served remembers the
/// id of its last row under the startIndex that follows it, and a request for that startIndex starts after that id,
/// an index range scan like a cursor page (<see cref="Scim.Listing.Cursor"/>). With no change in between this is exactly the OFFSET
/// page. If resources before the position were created or deleted in between, OFFSET would shift and skip or repeat a
/// row; the continuation goes on where the walk stopped (RFC 7644 §3.4.2.4 leaves consistency under change to the
/// server). A position not remembered (another instance served the previous page, or it expired) is the OFFSET page.
/// Per instance and bounded: at most <see cref="Capacity"/> positions, each kept for <see cref="Lifetime"/>.
/// </summary>
public sealed class PageContinuations : IDisposable
{
    public const int Capacity = 10_000;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    readonly MemoryCache positions = new(new MemoryCacheOptions { SizeLimit = Capacity });

    /// <summary>Whether a query's pages can be continued: index paging over every resource, in id order.</summary>
    public static bool Applies(ResourceQuery query) =>
        !query.CursorMode && query.Where == "true" && query.OrderBy == SortCompiler.DefaultOrderBy;

    /// <summary>The id after which the page at 0-based <paramref name="offset"/> begins, if a page ended just before it.</summary>
    public Guid? After(ResourceTypeDef type, int offset) =>
        offset > 0 && positions.TryGetValue((type.Name, offset), out Guid id) ? id : null;

    /// <summary>Remembers that the page ending before 0-based <paramref name="offset"/> ended with <paramref name="lastId"/>.</summary>
    public void Remember(ResourceTypeDef type, int offset, Guid lastId) =>
        positions.Set((type.Name, offset), lastId, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });

    public void Dispose() => positions.Dispose();
}
