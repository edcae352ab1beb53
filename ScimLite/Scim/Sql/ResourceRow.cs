using System.Text.Json;
using Dapper;
using Npgsql;
using ScimLite.Scim.Schema;

namespace ScimLite.Scim.Sql;

/// <summary>
/// One resource as read by a <see cref="ResourceSql"/> SELECT. What the code itself reads (id, version, timestamps) is
/// typed; the attribute values stay a bag that <see cref="ResourceWriter"/> reads by the schema's column names.
/// </summary>
public sealed class ResourceRow
{
    readonly IDictionary<string, object?> values;

    public ResourceRow(IDictionary<string, object?> values)
    {
        this.values = values;
        Id = (Guid)values[ResourceSql.IdColumn]!;
        Version = (long)values[ResourceSql.VersionColumn]!;
        Created = (DateTime)values[ResourceSql.CreatedColumn]!;
        LastModified = (DateTime)values[ResourceSql.LastModifiedColumn]!;
    }

    public Guid Id { get; }

    /// <summary>meta.version: counts effective writes.</summary>
    public long Version { get; }

    public DateTime Created { get; }

    public DateTime LastModified { get; }

    /// <summary>The value of a stored column; null when unassigned.</summary>
    public object? Column(string column) => values[column];

    /// <summary>The value of a custom attribute (<see cref="Storage.Extension"/>); Undefined when it has none.</summary>
    public JsonElement Custom(AttributeDef attribute)
    {
        if (custom is null)
            custom = values.TryGetValue(Extensions.ExtensionSql.Column, out var json) && json is string text
                ? JsonSerializer.Deserialize<JsonElement>(text)
                : default(JsonElement);
        return custom.Value.ValueKind == JsonValueKind.Object &&
               custom.Value.TryGetProperty(attribute.ExtensionUrn!, out var section) && section.ValueKind == JsonValueKind.Object &&
               section.TryGetProperty(attribute.Name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : default;
    }

    JsonElement? custom;

    /// <summary>A computed (sub-)attribute; null when empty or not selected for this projection.</summary>
    public object? Computed(AttributeDef attribute, AttributeDef? sub) =>
        values.TryGetValue(ResourceSql.Key(attribute, sub), out var value) ? value : null;
}

/// <summary>Reading <see cref="ResourceRow"/>s with Dapper.</summary>
public static class ResourceRows
{
    public static async Task<ResourceRow?> QueryRowAsync(this NpgsqlConnection connection, CommandDefinition command)
    {
        object? row = await connection.QuerySingleOrDefaultAsync(command);
        return row is IDictionary<string, object?> values ? new ResourceRow(values) : null;
    }

    public static List<ResourceRow> ToRows(this IEnumerable<object> rows) =>
        [.. rows.Cast<IDictionary<string, object?>>().Select(values => new ResourceRow(values))];
}
