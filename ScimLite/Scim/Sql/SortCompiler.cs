using ScimLite.Scim.Filter;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Sql;

/// <summary>
/// Compiles <c>sortBy</c>/<c>sortOrder</c> (RFC 7644 §3.4.2.3) to an <c>ORDER BY</c> clause over the alias <c>r</c>.
/// Strings sort by code point (<c>COLLATE "C"</c>), ignoring case unless caseExact; a multi-valued attribute sorts by
/// its primary item, else its first; resources without a value come last ascending and first descending; and
/// <c>r.id</c> always breaks ties, so Okta's <c>startIndex += 100</c> paging sees a stable order.
/// </summary>
public static class SortCompiler
{
    /// <summary>The order without <c>sortBy</c>: unspecified by SCIM, stable here.</summary>
    public const string DefaultOrderBy = "ORDER BY r.id";

    /// <summary>Returns a whole <c>ORDER BY ...</c> clause. Bad input is 400 <c>invalidValue</c>.</summary>
    /// <param name="unknownIsAbsent">
    /// For root queries across resource types: an attribute this type lacks has no value on any of its resources, so
    /// they keep the default order instead of failing.
    /// </param>
    public static string Compile(string? sortBy, string? sortOrder, ResourceTypeDef type, bool unknownIsAbsent = false)
    {
        var descending = IsDescending(sortOrder);
        if (string.IsNullOrWhiteSpace(sortBy) || (unknownIsAbsent && !IsKnown(sortBy, type)))
            return DefaultOrderBy;
        var key = Key(sortBy.Trim(), type);
        if (key is null)
            return DefaultOrderBy;
        return $"ORDER BY {key} {(descending ? "DESC NULLS FIRST" : "ASC NULLS LAST")}, r.id";
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
    public static bool IsKnown(string sortBy, ResourceTypeDef type) => type.Resolve(Parse(sortBy.Trim()).FullPath) is not null;

    static AttrPathRef Parse(string sortBy) => sortBy.Length > FilterParser.MaxLength
        ? throw Error("sortBy is too long.")
        : FilterParser.ParsePath(new Token(TokenKind.Word, sortBy, 0), Error);

    /// <summary>The sort expression, or null when the attribute is the same for every resource (meta.resourceType).</summary>
    static string? Key(string sortBy, ResourceTypeDef type)
    {
        var path = Parse(sortBy);
        var resolved = type.Resolve(path.FullPath)
            ?? throw Error($"Unknown sortBy attribute '{sortBy}': the {type.Name} resource type has no such attribute.");
        var attribute = resolved.Attribute;
        switch (attribute.Storage)
        {
            case Storage.Column:
                return Scalar(SqlOperands.Column(attribute.Name, attribute));
            case Storage.Parts when resolved.Sub is { } sub:
                if (ReferenceEquals(sub, CoreSchemas.ResourceType))
                    return null;
                return Scalar(SqlOperands.Part(type, attribute, sub, Error));
            case Storage.JsonArray or Storage.Link:
                var item = resolved.Sub ?? attribute.Sub("value") ?? throw NeedsSub(attribute);
                return FirstItem(type, attribute, SqlOperands.Item(type, attribute, item, Error));
            case Storage.Parts:
                throw NeedsSub(attribute);
            case Storage.Extension:
                return Scalar(Extensions.ExtensionSql.Operand(attribute));
            default:
                throw Error($"The attribute '{attribute.Name}' cannot be sorted on.");
        }
    }

    static string Scalar(Operand o) => Collated(Value(o), o);

    /// <summary>The value of the primary item, else of the first (RFC 7644 §3.4.2.3).</summary>
    static string FirstItem(ResourceTypeDef type, AttributeDef attribute, Operand item)
    {
        var query = attribute.Storage == Storage.JsonArray
            ? $"SELECT {Value(item)} FROM jsonb_array_elements({SqlOperands.ArrayOf(attribute)}) WITH ORDINALITY AS x(e, n) " +
              "ORDER BY (e->'primary' = 'true'::jsonb) DESC NULLS LAST, x.n LIMIT 1"
            : $"SELECT {Value(item)} {type.Sql.Link(attribute).Source} ORDER BY {type.Sql.Link(attribute).FirstItemOrder} LIMIT 1";
        return Collated($"({query})", item);
    }

    static string Value(Operand o) => o.Kind switch
    {
        OperandKind.Text when !o.CaseExact => $"lower({o.Sql})",
        OperandKind.JsonBoolean => $"({o.Sql} = 'true'::jsonb)",
        _ => o.Sql,
    };

    static string Collated(string sql, Operand o) =>
        o.Kind is OperandKind.Text or OperandKind.Binary ? $"{sql} COLLATE \"C\"" : sql;

    static ScimException NeedsSub(AttributeDef attribute) =>
        Error($"'{attribute.Name}' is a complex attribute; name a sub-attribute to sort by, e.g. '{attribute.Name}.{attribute.SubAttributes[0].Name}'.");

    static ScimException Error(string detail) => ScimException.InvalidValue(detail);
}
