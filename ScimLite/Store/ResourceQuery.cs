using Dapper;
using Npgsql;
using ScimLite.Data;
using ScimLite.Scim;
using ScimLite.Scim.Filter;
using ScimLite.Scim.Listing;

namespace ScimLite.Store;

/// <summary>
/// A list query compiled to SQL: WHERE from the filter, ORDER BY from sortBy (id breaks ties, so pages are stable),
/// LIMIT/OFFSET from startIndex and count. Nothing is filtered, sorted or paged in memory, and every number from the
/// request is a parameter, so each page of a list is the same statement (one plan, one prepared statement).
/// </summary>
public sealed record ResourceQuery(ResourceMap Map, string Where, string OrderBy, DynamicParameters Parameters, int Offset, int Limit)
{
    /// <summary>In cursor mode (RFC 9865), the page starts after this id (see <see cref="Cursor"/>).</summary>
    public bool CursorMode { get; init; }

    /// <param name="acrossTypes">A root query (POST /.search): attributes this type lacks (in filter or sortBy) have no value instead of being an error.</param>
    public static ResourceQuery Compile(ResourceMap map, ListQuery query, ScimOptions options, bool acrossTypes = false)
    {
        var parameters = new DynamicParameters();
        var where = "true";
        if (query.Filter is not null)
        {
            var filter = FilterParser.Parse(query.Filter);
            FilterCost.Check(filter, map.Type, options);
            where = FilterCompiler.Compile(filter, map, parameters, unknownIsAbsent: acrossTypes).Where;
        }
        var orderBy = SortCompiler.Compile(query.SortBy, query.SortOrder, map, unknownIsAbsent: acrossTypes);
        var limit = query.PageSize(options);
        if (query.Cursor is null)
            return new ResourceQuery(map, where, orderBy, parameters, query.StartIndex - 1, limit);
        if (query.SortBy is not null)
            throw ScimException.InvalidValue("Cursor paging returns resources in id order; it cannot be combined with sortBy.");
        var page = new ResourceQuery(map, where, orderBy, parameters, 0, limit) { CursorMode = true };
        if (Cursor.Decode(query.Cursor) is { } after)
        {
            parameters.Add("cursor_after", after);
            page = page with { PageWhere = $"{Sql.Resource}.id > @cursor_after" };
        }
        return page;
    }

    /// <summary>An extra condition for the page (not the count): the keyset of cursor paging.</summary>
    public string? PageWhere { get; init; }

    /// <summary>Where index pages of this list continue from earlier ones (see <see cref="PageContinuations"/>); null: never.</summary>
    public PageContinuations? Continuations { get; init; }

    /// <summary>
    /// The total count and one page of rows. A page that starts at the first match and comes back short holds every
    /// match, so its size is the total and no count is run: the lookups identity providers send before each write
    /// (<c>userName eq</c>, <c>displayName eq</c>) cost one statement. Otherwise count and page go in one round trip.
    /// The rows carry what <paramref name="projection"/> returns (the type's <see cref="ResourceMap"/> selects them).
    /// </summary>
    public Task<ResourcePage> ReadAsync(Db db, Projection projection, CancellationToken ct) =>
        db.ReadAsync(connection => ReadAsync(connection, projection, streamed: false, ct), ct);

    /// <summary>The page on an open connection; <paramref name="streamed"/>: leave the streamed link to <see cref="LinkItems"/>.</summary>
    public async Task<ResourcePage> ReadAsync(NpgsqlConnection connection, Projection projection, bool streamed, CancellationToken ct)
    {
        var continues = Continuations is not null && PageContinuations.Applies(this);
        var after = continues ? Continuations!.After(Map.Type, Offset) : null;
        var page = await ReadPageAsync(connection, projection, streamed, after, ct);
        // The row the walk stopped at is gone (deleted, or the table emptied and filled again): the OFFSET page.
        if (after is not null && page.Rows.Count == 0 && page.Total > Offset)
            page = await ReadPageAsync(connection, projection, streamed, null, ct);
        if (continues && page.Rows.Count > 0)
            Continuations!.Remember(Map.Type, Offset + page.Rows.Count, page.Rows[^1].Id);
        return page;
    }

    /// <param name="after">Continue after this id (see <see cref="PageContinuations"/>) instead of skipping Offset rows.</param>
    async Task<ResourcePage> ReadPageAsync(NpgsqlConnection connection, Projection projection, bool streamed, Guid? after, CancellationToken ct)
    {
        var offset = Offset;
        var keyset = PageWhere;
        if (after is not null)
        {
            Parameters.Add("continue_after", after);
            (offset, keyset) = (0, $"{Sql.Resource}.id > @continue_after AND EXISTS (SELECT FROM {Map.Table} k WHERE k.id = @continue_after)");
        }
        var pageWhere = keyset is null ? Where : $"({Where}) AND {keyset}";
        // Cursor pages read one row more than they return, to know whether a next page exists.
        var fetch = CursorMode ? Limit + 1 : Limit;
        Parameters.Add("page_limit", fetch);
        if (offset > 0)
            Parameters.Add("page_offset", offset);
        var page = Statements.ListPage(Map, projection, streamed, pageWhere, OrderBy, fromStart: offset == 0);
        var count = Statements.Count(Map, Where);
        var fromFirstMatch = Offset == 0 && PageWhere is null && Limit > 0;
        List<ResourceRow> rows = [];
        long? total = null;
        if (fromFirstMatch)
        {
            rows = (await connection.QueryAsync(new CommandDefinition(page, Parameters, cancellationToken: ct))).ToRows();
            if (rows.Count < fetch)
                total = rows.Count;
            else
                total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(count, Parameters, cancellationToken: ct));
        }
        else
        {
            using var results = await connection.QueryMultipleAsync(new CommandDefinition(
                Limit == 0 ? count : count + "\n" + page, Parameters, cancellationToken: ct));
            total = await results.ReadSingleAsync<long>();
            if (Limit > 0)
                rows = (await results.ReadAsync()).ToRows();
        }
        string? next = null;
        if (CursorMode && rows.Count > Limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = Cursor.Encode(rows[^1].Id);
        }
        return new ResourcePage(total.Value, rows, CursorMode ? null : Offset + 1, next);
    }
}

/// <summary>One page of a list: startIndex for index paging, nextCursor for cursor paging (absent on the last page).</summary>
public sealed record ResourcePage(long Total, IReadOnlyList<ResourceRow> Rows, int? StartIndex, string? NextCursor);
