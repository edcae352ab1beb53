using System.Globalization;
using System.Text.Json;

namespace ScimLite.Scim.Listing;

/// <summary>
/// The parameters of a list request (RFC 7644 §3.4.2), from a query string or a SearchRequest body (§3.4.3).
/// Paging follows the RFC's leniency: startIndex &lt; 1 is 1, a negative count is 0.
/// </summary>
public sealed record ListQuery(
    string? Filter, string? SortBy, string? SortOrder, int StartIndex, int? Count,
    IReadOnlyList<string>? Attributes, IReadOnlyList<string>? ExcludedAttributes, string? Cursor)
{
    public static ListQuery FromQuery(IQueryCollection query) => new(
        NullIfEmpty(query["filter"].ToString()),
        NullIfEmpty(query["sortBy"].ToString()),
        NullIfEmpty(query["sortOrder"].ToString()),
        StartIndexFrom(ParseInt(query["startIndex"].ToString(), "startIndex")),
        CountFrom(ParseInt(query["count"].ToString(), "count")),
        ScimValues.SplitList(query["attributes"].ToString()),
        ScimValues.SplitList(query["excludedAttributes"].ToString()),
        query.ContainsKey("cursor") ? query["cursor"].ToString() : null);

    public static ListQuery FromSearchRequest(JsonElement body) => new(
        StringMember(body, "filter"),
        StringMember(body, "sortBy"),
        StringMember(body, "sortOrder"),
        StartIndexFrom(IntMember(body, "startIndex")),
        CountFrom(IntMember(body, "count")),
        ListMember(body, "attributes"),
        ListMember(body, "excludedAttributes"),
        CursorMember(body));

    /// <summary>RFC 9865 §3: absent → index paging; null or "" → the first cursor page; a string → that cursor.</summary>
    static string? CursorMember(JsonElement body)
    {
        if (!body.TryGet("cursor", out var cursor))
            return null;
        return cursor.ValueKind switch
        {
            JsonValueKind.Null => "",
            JsonValueKind.String => cursor.GetString(),
            _ => throw ScimException.InvalidSyntax("'cursor' must be a string."),
        };
    }

    /// <summary>Resources on one page: <c>count</c>, or the default page size, never more than filter.maxResults.</summary>
    public int PageSize(ScimOptions options) => Math.Min(Count ?? options.DefaultPageSize, options.MaxResults);

    static int StartIndexFrom(int? value) => value is null or < 1 ? 1 : value.Value;

    static int? CountFrom(int? value) => value is < 0 ? 0 : value;

    static string? NullIfEmpty(string text) => string.IsNullOrWhiteSpace(text) ? null : text;

    static int? ParseInt(string text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            return (int)Math.Clamp(value, int.MinValue, int.MaxValue);
        throw ScimException.InvalidValue($"'{name}' must be an integer.");
    }

    static string? StringMember(JsonElement body, string name)
    {
        if (!body.TryGet(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == JsonValueKind.String
            ? NullIfEmpty(value.GetString()!)
            : throw ScimException.InvalidSyntax($"'{name}' must be a string.");
    }

    static int? IntMember(JsonElement body, string name)
    {
        if (!body.TryGet(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
            return (int)Math.Clamp(number, int.MinValue, int.MaxValue);
        if (value.ValueKind == JsonValueKind.String)
            return ParseInt(value.GetString()!, name);
        throw ScimException.InvalidSyntax($"'{name}' must be an integer.");
    }

    static IReadOnlyList<string>? ListMember(JsonElement body, string name)
    {
        if (!body.TryGet(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind == JsonValueKind.String)
            return ScimValues.SplitList(value.GetString()!);
        if (value.ValueKind != JsonValueKind.Array)
            throw ScimException.InvalidSyntax($"'{name}' must be an array of strings.");
        return value.EnumerateArray()
            .Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : throw ScimException.InvalidSyntax($"'{name}' must be an array of strings."))
            .ToList();
    }
}
