namespace ScimLite.Store;

/// <summary>
/// The names every statement shares, owned here so that no two files must spell them alike: the alias of the resource
/// row, and the parameters a statement about one resource binds.
/// </summary>
public static class Sql
{
    /// <summary>The alias of the resource's row in every statement (<c>FROM users r</c>).</summary>
    public const string Resource = "r";

    /// <summary>
    /// The alias of the link row in the SQL of links (<c>FROM link l</c>): members' and groups' operands are over it, and
    /// a PATCH's <c>members[value eq "…"]</c> is compiled over it into the DELETE that runs it.
    /// </summary>
    public const string Link = "l";

    /// <summary>The resource's id.</summary>
    public const string Id = "@id";

    /// <summary>The version an If-Match header requires, or NULL.</summary>
    public const string IfMatchVersion = "@if_match";

    /// <summary>The request's time, for created and last_modified.</summary>
    public const string Now = "@now";

    /// <summary>The If-Match check, in the first statement that touches the row (see <see cref="Statements.IfMatchFailureAsync"/>).</summary>
    public const string IfMatchCondition = $"({IfMatchVersion}::bigint IS NULL OR {Resource}.version = {IfMatchVersion})";

    /// <summary>A SQL string literal of a name taken from a schema or the configuration (never of request data).</summary>
    public static string Literal(string name) => "'" + name.Replace("'", "''") + "'";

    /// <summary>Bookkeeping column behind meta.version (an ETag, not a stored attribute).</summary>
    public const string VersionColumn = "version";

    /// <summary>
    /// The next version of <paramref name="column"/>: one more, and 1 after bigint's maximum, so a version that reached
    /// it (only a hand-edited row can) wraps instead of failing every later write with a numeric overflow.
    /// </summary>
    public static string NextVersion(string column = VersionColumn) => $"({column} % {long.MaxValue} + 1)";
}
