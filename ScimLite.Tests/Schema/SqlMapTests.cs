using Dapper;
using ScimLite.Scim;
using ScimLite.Scim.Schema;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Schema;

/// <summary>
/// Each resource type's SQL map (Users/UserSql.cs, Groups/GroupSql.cs) against the schema definitions and the migrated
/// test database: a stored attribute the map does not select, or a column no migration created, fails here instead of
/// as a KeyNotFoundException or a 500 at run time.
/// </summary>
[Collection("scim")]
public class SqlMapTests(ScimApp app)
{
    public static TheoryData<string> Types => new() { "User", "Group" };

    static ResourceTypeDef TypeNamed(string name) => ResourceTypeDef.All.Single(t => t.Name == name);

    /// <summary>Every Column/JsonArray attribute (and column part of a complex one) of every schema of the type.</summary>
    static IEnumerable<(string Path, string Column)> SchemaColumns(ResourceTypeDef type) =>
        ResourceTypeDef.Common.Select(a => (Schema: type.Schema, Attribute: a))
            .Concat(type.AllSchemas.SelectMany(s => s.Attributes.Select(a => (Schema: s, Attribute: a))))
            .SelectMany(x => x.Attribute.Storage == Storage.Parts
                ? x.Attribute.SubAttributes.Select(sub => ($"{x.Schema.Id}:{x.Attribute.Name}.{sub.Name}", sub))
                : [($"{x.Schema.Id}:{x.Attribute.Name}", x.Attribute)])
            .Where(x => x.Item2.Storage is Storage.Column or Storage.JsonArray && x.Item2.Column is not null)
            .Select(x => (x.Item1, x.Item2.Column!));

    [Theory]
    [MemberData(nameof(Types))]
    public void EverySchemaColumn_IsInTheSqlMap(string typeName)
    {
        var type = TypeNamed(typeName);
        var columns = SchemaColumns(type).ToList();

        Assert.NotEmpty(columns);
        Assert.All(columns, c => Assert.True(type.Sql.Columns.Contains(c.Column),
            $"{c.Path} is stored in {type.Table}.{c.Column}, which the {typeName} SQL map does not select."));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task EveryMappedColumn_ExistsInTheMigratedTable(string typeName)
    {
        var type = TypeNamed(typeName);
        await using var connection = await app.OpenConnectionAsync();

        var existing = (await connection.QueryAsync<string>(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = @table",
            new { table = type.Table })).ToHashSet();

        Assert.NotEmpty(existing);
        Assert.All(type.Sql.Columns, c => Assert.True(existing.Contains(c), $"{type.Table}.{c} is in the {typeName} SQL map but not in the database."));
    }

    [Theory]
    [MemberData(nameof(Types))]
    public async Task SelectOfEveryAttribute_RunsAgainstTheDatabase(string typeName)
    {
        var type = TypeNamed(typeName);
        await using var connection = await app.OpenConnectionAsync();
        var select = type.Sql.Select(Projection.Default);

        // Every computed attribute is in the default projection, so this runs the SQL of each of them.
        Assert.All(type.Sql.Links, l => Assert.Contains(l.Json, select));
        Assert.All(type.Sql.Parts, p => Assert.Contains(p.Sql, select));
        await connection.QueryAsync($"{select} LIMIT 0", new { base_url = "http://localhost/scim/v2" });
    }
}
