namespace ScimLite.Discovery;

/// <summary>
/// What the ServiceProviderConfig claims about RFC 9865 pagination. Index paging always exists; cursor paging is
/// claimed only once the list endpoints implement it, so discovery never advertises something absent.
/// </summary>
public static class Pagination
{
    /// <summary><c>cursor</c>/<c>nextCursor</c> work on /Users and /Groups (keyset paging, see Scim/Cursor.cs).</summary>
    public static readonly bool CursorSupported = true;

    /// <summary>Minimum seconds a cursor stays valid (RFC 9865 §4 <c>cursorTimeout</c>); advertised only with cursors.</summary>
    public const int CursorTimeoutSeconds = 3600;
}
