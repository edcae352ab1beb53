using Dapper;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim;

/// <summary>A list query compiled to SQL: WHERE from the filter, ORDER BY from sortBy (id as tie-breaker), page bounds.</summary>
public sealed record ResourceQuery(string Where, string OrderBy, DynamicParameters Parameters, int Offset, int Limit)
{
    public static ResourceQuery Compile(ResourceTypeDef type, ListQuery query, ScimOptions options)
    {
        var parameters = new DynamicParameters();
        var where = query.Filter is null ? "true" : FilterSql.Where(type, query.Filter, parameters);
        var orderBy = query.SortBy is null && query.SortOrder is null ? "r.id" : FilterSql.OrderBy(type, query.SortBy, query.SortOrder);
        var limit = Math.Min(query.Count ?? options.DefaultPageSize, options.MaxResults);
        return new ResourceQuery(where, orderBy, parameters, query.StartIndex - 1, limit);
    }

    /// <summary>Total count and the page, in one round trip.</summary>
    public string Sql(string table, string selectColumns) => $"""
        SELECT count(*) FROM {table} r WHERE {Where};
        {selectColumns} WHERE {Where} ORDER BY {OrderBy} LIMIT {Limit} OFFSET {Offset};
        """;
}
