using ScimLite.Scim;
using ScimLite.Scim.Filter;

namespace ScimLite.Store;

/// <summary>
/// Compiles <c>sortBy</c>/<c>sortOrder</c> (RFC 7644 §3.4.2.3) to an <c>ORDER BY</c> clause over the alias <c>r</c>;
/// each attribute's storage kind gives its key (<see cref="Kinds.AttributeStorage.SortKey"/>). Strings sort by code
/// point, ignoring case unless caseExact; a multi-valued attribute sorts by its primary item, else its first;
/// resources without a value come last ascending and first descending; and <c>r.id</c> always breaks ties, so Okta's
/// <c>startIndex += 100</c> paging sees a stable order.
/// </summary>
public static class SortCompiler
{
    /// <summary>The order without <c>sortBy</c>: unspecified by SCIM, stable here.</summary>
    public const string DefaultOrderBy = $"ORDER BY {Sql.Resource}.id";

    /// <summary>Returns a whole <c>ORDER BY ...</c> clause. Bad input is 400 <c>invalidValue</c>.</summary>
    /// <param name="unknownIsAbsent">
    /// For root queries across resource types: an attribute this type lacks has no value on any of its resources, so
    /// they keep the default order instead of failing.
    /// </param>
    public static string Compile(string? sortBy, string? sortOrder, ResourceMap map, bool unknownIsAbsent = false)
    {
        var descending = IsDescending(sortOrder);
        if (string.IsNullOrWhiteSpace(sortBy) || (unknownIsAbsent && !IsKnown(sortBy, map.Type)))
            return DefaultOrderBy;
        var path = Parse(sortBy.Trim());
        var resolved = map.Type.Resolve(path.FullPath)
            ?? throw Error($"Unknown sortBy attribute '{sortBy.Trim()}': the {map.Type.Name} resource type has no such attribute.");
        var key = map.Storage(resolved.Attribute).SortKey(resolved.Attribute, resolved.Sub);
        return key is null ? DefaultOrderBy : $"ORDER BY {key} {(descending ? "DESC NULLS FIRST" : "ASC NULLS LAST")}, {Sql.Resource}.id";
    }

    static bool IsDescending(string? sortOrder)
    {
        if (string.IsNullOrWhiteSpace(sortOrder) || string.Equals(sortOrder, "ascending", StringComparison.OrdinalIgnoreCase))
            return false;
        if (string.Equals(sortOrder, "descending", StringComparison.OrdinalIgnoreCase))
            return true;
        throw ScimException.InvalidValue($"sortOrder must be 'ascending' or 'descending', not '{sortOrder}'.");
    }

    /// <summary>Whether <paramref name="type"/> has the attribute; a malformed path is 400 <c>invalidValue</c>.</summary>
    public static bool IsKnown(string sortBy, Scim.Schema.ResourceTypeDef type) => type.Resolve(Parse(sortBy.Trim()).FullPath) is not null;

    static AttrPathRef Parse(string sortBy) => sortBy.Length > FilterParser.MaxLength
        ? throw Error("sortBy is too long.")
        : FilterParser.ParsePath(new Token(TokenKind.Word, sortBy, 0), Error);

    static ScimException Error(string detail) => ScimException.InvalidValue(detail);
}
