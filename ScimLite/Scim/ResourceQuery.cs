using Dapper;
using ScimLite.Data;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim;

/// <summary>
/// A list query compiled to SQL: WHERE from the filter, ORDER BY from sortBy (id breaks ties, so pages are stable),
/// LIMIT/OFFSET from startIndex and count. Nothing is filtered, sorted or paged in memory.
/// </summary>
public sealed record ResourceQuery(ResourceTypeDef Type, string Where, string OrderBy, DynamicParameters Parameters, int Offset, int Limit)
{
    public static ResourceQuery Compile(ResourceTypeDef type, ListQuery query, ScimOptions options)
    {
        var parameters = new DynamicParameters();
        var where = query.Filter is null ? "true" : FilterCompiler.Compile(FilterParser.Parse(query.Filter), type, parameters).Where;
        var orderBy = SortCompiler.Compile(query.SortBy, query.SortOrder, type);
        var limit = Math.Min(query.Count ?? options.DefaultPageSize, options.MaxResults);
        return new ResourceQuery(type, where, orderBy, parameters, query.StartIndex - 1, limit);
    }

    /// <summary>The total count and one page of rows, in one round trip. <paramref name="select"/> is "SELECT ... FROM table r".</summary>
    public Task<(long Total, IReadOnlyList<IDictionary<string, object?>> Rows)> ReadAsync(Db db, string select, CancellationToken ct)
    {
        var page = Limit == 0 ? "" : $"{select} WHERE {Where} {OrderBy} LIMIT {Limit} OFFSET {Offset};";
        var sql = $"SELECT count(*) FROM {Type.Table} r WHERE {Where};\n{page}";
        return db.ReadAsync(async connection =>
        {
            using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, Parameters, cancellationToken: ct));
            var total = await results.ReadSingleAsync<long>();
            IReadOnlyList<IDictionary<string, object?>> rows = Limit == 0
                ? []
                : (await results.ReadAsync()).Cast<IDictionary<string, object?>>().ToList();
            return (total, rows);
        }, ct);
    }
}
