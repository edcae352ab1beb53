using System.Data;
using Dapper;
using Npgsql;
using ScimLite.Data;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Sql;

/// <summary>
/// Responses that keep their connection while they are written, so that a streamed computed attribute (a group's
/// members, <see cref="LinkSql.Streamed"/>) goes from the data reader to the client in bounded buffers instead of
/// being built whole in memory.
/// </summary>
public static class StreamedResources
{
    /// <summary>
    /// GET /{Type}/{id}: the row, 404 or 304, then the resource. With a streamed attribute the row and its items are read
    /// in one REPEATABLE READ snapshot, so the ETag and the members agree.
    /// </summary>
    public static IResult Get(Db db, ResourceTypeDef type, Guid id, Projection projection, string baseUrl) =>
        Result(db, async (connection, context, stream, ct) =>
        {
            var streamed = type.Sql.StreamedLink(projection);
            await using var tx = streamed is null ? null : await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            var row = await connection.QueryRowAsync(new CommandDefinition(
                type.Sql.SelectWhere(projection, "r.id = @id", streamed: true), new { id, base_url = baseUrl }, tx, cancellationToken: ct))
                ?? throw ScimHttp.NotFound(type.Name, id);
            if (ScimHttp.IfNoneMatch(context.Request, row.Version))
            {
                await ScimHttp.NotModified(context.Request, row.Version).ExecuteAsync(context);
                return;
            }
            ScimJson.Start(context.Response, 200, ScimValues.ETag(row.Version));
            await using var items = streamed is null ? null : await LinkItems.OpenAsync(connection, tx, streamed, [row.Id], baseUrl, ct);
            await WriteAsync(stream, type, row, projection, baseUrl, streamed, items, 1);
        });

    /// <summary>One resource; the streamed attribute last, from <paramref name="items"/> at <paramref name="position"/>.</summary>
    public static async Task WriteAsync(JsonStream stream, ResourceTypeDef type, ResourceRow row, Projection projection, string baseUrl,
        LinkSql? streamed, LinkItems? items, long position)
    {
        ResourceWriter.WriteOpen(stream.Writer, type, row, projection, baseUrl, streamed);
        if (streamed is not null && items is not null)
            await items.WriteAsync(stream, streamed.Path.Attribute.Name, position);
        stream.Writer.WriteEndObject();
    }

    /// <summary>
    /// A response written by <paramref name="write"/> on a connection it holds to the end. A transient fault before
    /// anything was sent retries it from the start (see <see cref="Db"/>); after that the response cannot change, so
    /// the connection to the client is cut short rather than a second body appended.
    /// </summary>
    public static IResult Result(Db db, Func<NpgsqlConnection, HttpContext, JsonStream, CancellationToken, Task> write) =>
        ScimJson.Stream((context, stream) => db.ReadAsync(async connection =>
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
