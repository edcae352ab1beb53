using System.Text.Json;
using Dapper;
using Npgsql;
using ScimLite.Scim.Schema;

namespace ScimLite.Store;

/// <summary>
/// One resource as a <see cref="ResourceMap"/> SELECT read it. What every resource has (id, version, timestamps) is
/// typed; attribute values are read by their storage kind, by column or by the path a computed value was selected
/// under.
/// </summary>
public sealed class ResourceRow
{
    readonly IDictionary<string, object?> values;
    JsonElement? custom;

    public ResourceRow(IDictionary<string, object?> values)
    {
        this.values = values;
        Id = (Guid)values["id"]!;
        Version = (long)values[Sql.VersionColumn]!;
        Created = (DateTime)values["created"]!;
        LastModified = (DateTime)values["last_modified"]!;
    }

    public Guid Id { get; }

    /// <summary>meta.version: counts effective writes.</summary>
    public long Version { get; }

    public DateTime Created { get; }

    public DateTime LastModified { get; }

    /// <summary>The value of a stored column; null when unassigned.</summary>
    public object? Column(string column) => values[column];

    /// <summary>The name a computed value is selected under, and looked up by: its attribute path.</summary>
    public static string Key(AttributeDef attribute, AttributeDef? sub) => sub is null ? attribute.Name : $"{attribute.Name}.{sub.Name}";

    /// <summary>A computed (sub-)attribute; null when empty or not selected for this projection.</summary>
    public object? Computed(AttributeDef attribute, AttributeDef? sub) =>
        values.TryGetValue(Key(attribute, sub), out var value) ? value : null;

    /// <summary>The value under <paramref name="urn"/> / <paramref name="name"/> of a jsonb document column; Undefined when none.</summary>
    public JsonElement Document(string column, string urn, string name)
    {
        custom ??= values.TryGetValue(column, out var json) && json is string text
            ? JsonSerializer.Deserialize<JsonElement>(text)
            : default(JsonElement);
        return custom.Value.ValueKind == JsonValueKind.Object &&
               custom.Value.TryGetProperty(urn, out var section) && section.ValueKind == JsonValueKind.Object &&
               section.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : default;
    }
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
