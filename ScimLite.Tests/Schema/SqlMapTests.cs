using Dapper;
using ScimLite.Scim;
using ScimLite.Store;
using ScimLite.Store.Kinds;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Schema;

/// <summary>
/// Each resource type's map (Users/UserMap.cs, Groups/GroupMap.cs) against the schema definitions and the migrated
/// test database: a writable attribute the map keeps nowhere, or a column no migration created, fails here instead of
/// as a lost value or a 500 at run time.
/// </summary>
[Collection("scim")]
public class SqlMapTests(ScimApp app)
{
    public static TheoryData<string> Types => new() { "User", "Group" };

    [Theory]
    [MemberData(nameof(Types))]
    public void EveryWritableAttribute_IsKeptSomewhere(string typeName)
    {
        var map = Maps.Of(typeName);
        var writable = map.Type.AllAttributes
            .SelectMany(x => map.Storage(x.Attribute) is PartsStorage parts
                ? x.Attribute.SubAttributes.Where(sub => !sub.IsReadOnly).Select(sub => ($"{x.Schema.Id}:{x.Attribute.Name}.{sub.Name}", parts.Part(sub)))
                : [($"{x.Schema.Id}:{x.Attribute.Name}", map.Storage(x.Attribute))])
            .Where(x => !x.Item1.EndsWith("$ref", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(writable);
        Assert.All(writable.Where(x => !IsReadOnly(map, x.Item1)), x => Assert.IsNotType<NotStored>(x.Item2));
    }

    static bool IsReadOnly(ResourceMap map, string path) =>
        map.Type.AllAttributes.Any(x => path == $"{x.Schema.Id}:{x.Attribute.Name}" && x.Attribute.IsReadOnly);

    [Theory]
    [MemberData(nameof(Types))]
    public async Task EveryMappedColumn_ExistsInTheMigratedTable(string typeName)
    {
        var map = Maps.Of(typeName);
        await using var connection = await app.OpenConnectionAsync();

        var existing = (await connection.QueryAsync<string>(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = @table",
            new { table = map.Table })).ToHashSet();

        Assert.NotEmpty(existing);
        Assert.All(map.Columns, c => Assert.True(existing.Contains(c), $"{map.Table}.{c} is in the {typeName} map but not in the database."));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task SelectOfEveryAttribute_RunsAgainstTheDatabase(string typeName)
    {
        var map = Maps.Of(typeName);
        await using var connection = await app.OpenConnectionAsync();
        var select = map.Select(Projection.Default);

        // Every computed attribute is in the default projection, so this runs the SQL of each of them.
        var computed = map.Type.AllAttributes.Select(x => map.Storage(x.Attribute)).ToList();
        Assert.All(computed.OfType<LinkStorage>(), l => Assert.Contains(l.Json, select));
        Assert.All(computed.OfType<PartsStorage>().SelectMany(p => p.ComputedParts), p => Assert.Contains(p.Computed.Sql, select));
        await connection.QueryAsync($"{select} LIMIT 0");
    }
}
