using Dapper;
using Npgsql;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Sql;

/// <summary>
/// The one If-Match idiom of every write: the first statement that touches the resource row <c>r</c> carries
/// <see cref="Condition"/> (binding <c>@if_match</c>, null when the request has none), so the check and the change
/// cannot be separated by a concurrent write. When that statement finds no row, <see cref="FailureAsync"/> tells a
/// missing resource (404) from a stale version (412).
/// </summary>
public static class IfMatch
{
    public const string Condition = "(@if_match::bigint IS NULL OR r.version = @if_match)";

    public static async Task<ScimException> FailureAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ResourceTypeDef type,
        Guid id, CancellationToken ct)
    {
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            $"SELECT EXISTS (SELECT 1 FROM {type.Table} WHERE id = @id)", new { id }, tx, cancellationToken: ct));
        return exists
            ? ScimException.PreconditionFailed($"{type.Name} {id} has changed since the version in If-Match.")
            : ScimHttp.NotFound(type.Name, id);
    }
}
