using System.Data;
using Dapper;
using Npgsql;
using ScimLite.Data;
using ScimLite.Scim;
using ScimLite.Scim.Listing;
using ScimLite.Scim.Schema;
using ScimLite.Store;

namespace ScimLite.Http;

/// <summary>
/// Responses that keep their connection while they are written, so that a streamed link (a group's members,
/// <see cref="Store.Kinds.LinkStorage.Streamed"/>) goes from the data reader to the client in bounded buffers instead
/// of being built whole in memory: GET of one resource, and list pages.
/// </summary>
public static class StreamedResources
{
    /// <summary>
    /// GET /{Type}/{id}: the row, 404 or 304, then the resource. With a streamed attribute the row and its items are read
    /// in one REPEATABLE READ snapshot, so the ETag and the members agree.
    /// </summary>
    public static IResult Get(Db db, ResourceMap map, Guid id, Projection projection, string baseUrl) =>
        Result(db, async (connection, context, stream, ct) =>
        {
            var streamed = map.StreamedLink(projection);
            await using var tx = streamed is null ? null : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            var row = await connection.QueryRowAsync(new CommandDefinition(
                Statements.SelectById(map, projection, streamed: true), new { id }, tx, cancellationToken: ct))
                ?? throw ScimException.NotFound(map.Type.Name, id);
            if (ScimRequest.IfNoneMatch(context.Request, row.Version))
            {
                ScimRequest.NotModified(context.Response, row.Version);
                return;
            }
            ScimJson.Start(context.Response, 200, ScimValues.ETag(row.Version));
            await using var items = streamed is null ? null : await LinkItems.OpenAsync(connection, tx, streamed.Value.Link, [row.Id], baseUrl, ct);
            await WriteAsync(stream, map, row, projection, baseUrl, streamed?.Attribute, items, 1);
        });

    /// <summary>
    /// A list page as a streamed ListResponse: the rows are read, then written one by one while the items of a streamed
    /// link come from one data reader over the whole page (<see cref="LinkItems"/>).
    /// </summary>
    public static IResult Page(Db db, ResourceQuery query, Projection projection, string baseUrl) =>
        Result(db, async (connection, context, stream, ct) =>
        {
            var page = await query.ReadAsync(connection, projection, streamed: true, ct);
            var streamed = query.Map.StreamedLink(projection);
            ScimJson.Start(context.Response, 200);
            await using var items = streamed is null || page.Rows.Count == 0
                ? null
                : await LinkItems.OpenAsync(connection, null, streamed.Value.Link, [.. page.Rows.Select(r => r.Id)], baseUrl, ct);
            await ListResponse.WriteAsync(stream, page.Total, page.StartIndex, page.Rows.Count, page.NextCursor, i =>
                WriteAsync(stream, query.Map, page.Rows[i], projection, baseUrl, streamed?.Attribute, items, i + 1));
        });

    /// <summary>One resource; the streamed attribute last, from <paramref name="items"/> at <paramref name="position"/>.</summary>
    static async Task WriteAsync(JsonStream stream, ResourceMap map, ResourceRow row, Projection projection, string baseUrl,
        AttributeDef? streamed, LinkItems? items, long position)
    {
        ResourceWriter.WriteOpen(stream.Writer, map, row, projection, baseUrl, streamed);
        if (streamed is not null && items is not null)
            await items.WriteAsync(stream, streamed.Name, position);
        stream.Writer.WriteEndObject();
    }

    /// <summary>
    /// A response written by <paramref name="write"/> on a connection it holds to the end. A transient fault before
    /// anything was sent retries it from the start (see <see cref="Db"/>); after that the response cannot change, so
    /// the connection to the client is cut short rather than a second body appended.
    /// </summary>
    static IResult Result(Db db, Func<NpgsqlConnection, HttpContext, JsonStream, CancellationToken, Task> write) =>
        ScimResults.Stream((context, stream) => db.ReadAsync(async connection =>
        {
            stream.Restart();
            try
            {
                await write(connection, context, stream, context.RequestAborted);
            }
            catch (Exception ex) when (stream.Started && Transient.IsTransient(ex))
            {
                throw new IOException("The database connection was lost while the response was being sent.", ex);
            }
            return true;
        }, context.RequestAborted));
}
