using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ScimLite.Store;
using ScimLite.Tests.Infrastructure;
using static ScimLite.Tests.Extensions.ExtensionHost;

namespace ScimLite.Tests.Extensions;

/// <summary>
/// The index docs/identity-providers.md gives for a custom attribute, <c>lower(extensions -> 'urn' ->> 'costCode')</c>, is the expression the
/// compiled <c>eq</c> filter compares, so PostgreSQL answers the filter from it.
/// </summary>
[Collection("scim")]
public class CustomAttributeIndexTests(ScimApp app) : IAsyncLifetime
{
    const string Index = "users_acme_cost_code_idx";
    const string LevelIndex = "users_acme_level_idx";

    public Task InitializeAsync() => app.ResetAsync();

    public async Task DisposeAsync()
    {
        await using var connection = await app.OpenConnectionAsync();
        await connection.ExecuteAsync($"DROP INDEX IF EXISTS {Index}; DROP INDEX IF EXISTS {LevelIndex}");
        await app.ResetAsync();
    }

    [Fact]
    public async Task EqFilter_UsesTheExpressionIndexFromTheReadme()
    {
        await using var connection = await app.OpenConnectionAsync();
        await connection.ExecuteAsync($"""
            INSERT INTO users (id, user_name, extensions, created, last_modified)
            SELECT gen_random_uuid(), 'user' || i || '@example.com',
                   jsonb_build_object('{Acme}', jsonb_build_object('costCode', 'C-' || i)), now(), now()
              FROM generate_series(1, 20000) AS i;
            CREATE INDEX {Index} ON users (lower(extensions -> '{Acme}' ->> 'costCode'));
            ANALYZE users;
            """);
        await using var host = new ExtensionHost(app);
        var type = host.Host.Services.GetRequiredService<ResourceMaps>().User;
        var compiled = FilterCompiler.Compile($"{Acme}:costCode eq \"c-4242\"", type);
        Assert.Contains($"lower((r.extensions -> '{Acme}' ->> 'costCode'))", compiled.Where, StringComparison.Ordinal);

        var sql = $"SELECT r.id FROM users r WHERE {compiled.Where}";
        var plan = await connection.ExecuteScalarAsync<string>($"EXPLAIN (FORMAT JSON) {sql}", compiled.Parameters);
        Assert.Contains($"\"Index Name\": \"{Index}\"", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
        Assert.Single(await connection.QueryAsync<Guid>(sql, compiled.Parameters));

        // And through HTTP the same filter finds the user.
        var list = await host.Client.GetJsonAsync($"/scim/v2/Users?filter={Uri.EscapeDataString($"{Acme}:costCode eq \"C-4242\"")}");
        Assert.Equal("user4242@example.com", Assert.Single(list.GetProperty("Resources").EnumerateArray()).GetProperty("userName").GetString());
    }

    /// <summary>
    /// An integer compiles to a guarded cast (a stored value of another type reads as absent); the index docs/identity-providers.md gives on
    /// that expression serves a comparison, and a stored "abc" fails no query.
    /// </summary>
    [Fact]
    public async Task IntegerFilter_UsesTheGuardedExpressionIndexFromTheReadme()
    {
        await using var connection = await app.OpenConnectionAsync();
        await connection.ExecuteAsync($"""
            INSERT INTO users (id, user_name, extensions, created, last_modified)
            SELECT gen_random_uuid(), 'user' || i || '@example.com',
                   jsonb_build_object('{Acme}', jsonb_build_object('level', CASE WHEN i = 7 THEN to_jsonb('abc'::text) ELSE to_jsonb(i) END)), now(), now()
              FROM generate_series(1, 20000) AS i;
            CREATE INDEX {LevelIndex} ON users ((CASE WHEN jsonb_typeof(extensions -> '{Acme}' -> 'level') = 'number'
                THEN (extensions -> '{Acme}' ->> 'level')::numeric END));
            ANALYZE users;
            """);
        await using var host = new ExtensionHost(app);
        var type = host.Host.Services.GetRequiredService<ResourceMaps>().User;
        var compiled = FilterCompiler.Compile($"{Acme}:level gt 19990", type);

        var sql = $"SELECT r.id FROM users r WHERE {compiled.Where}";
        var plan = await connection.ExecuteScalarAsync<string>($"EXPLAIN (FORMAT JSON) {sql}", compiled.Parameters);
        Assert.Contains($"\"Index Name\": \"{LevelIndex}\"", plan, StringComparison.Ordinal);
        Assert.Equal(10, (await connection.QueryAsync<Guid>(sql, compiled.Parameters)).Count());

        var list = await host.Client.GetJsonAsync($"/scim/v2/Users?sortBy={Uri.EscapeDataString($"{Acme}:level")}&sortOrder=descending&count=2");
        Assert.Equal("user7@example.com", list.GetProperty("Resources")[0].GetProperty("userName").GetString());
    }
}
