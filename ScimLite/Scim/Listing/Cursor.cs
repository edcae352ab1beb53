using System.Buffers;
using System.Buffers.Text;

namespace ScimLite.Scim.Listing;

/// <summary>
/// RFC 9865 cursors for keyset paging: the cursor is the id of the last resource of the previous page, base64url
/// encoded behind a version letter. The next page is <c>WHERE id &gt; @after ORDER BY id</c> — an index range scan that
/// costs the same at the millionth row as at the first, where OFFSET would walk every row before it. A cursor
/// grants nothing (every page is authorised again and the same rows are reachable by filter), so it is not signed,
/// and it never expires. Cursors page in id order, so they cannot be combined with sortBy.
/// </summary>
public static class Cursor
{
    const char Version = 'k';

    public static string Encode(Guid lastId)
    {
        Span<byte> bytes = stackalloc byte[16];
        lastId.TryWriteBytes(bytes, bigEndian: true, out _);
        return Version + Base64Url.EncodeToString(bytes);
    }

    /// <summary>The id after which the page starts; null for the first page (an empty cursor).</summary>
    public static Guid? Decode(string cursor)
    {
        if (cursor.Length == 0)
            return null;
        Span<byte> bytes = stackalloc byte[18];
        // DecodeFromChars reports bad characters as InvalidData; TryDecodeFromChars throws on them (a 500).
        if (cursor[0] != Version || Base64Url.DecodeFromChars(cursor.AsSpan(1), bytes, out _, out var written) != OperationStatus.Done || written != 16)
            throw new ScimException(400, "invalidCursor", "The cursor is not one this server issued.");
        return new Guid(bytes[..16], bigEndian: true);
    }
}
