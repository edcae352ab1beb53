using System.Net;
using Npgsql;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests;

public class HealthTests(ScimApp app) : ScimTest(app)
{
    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Probe_WithoutToken_Returns200(string path)
    {
        using var client = App.CreateAnonymousClient();

        using var response = await client.GetAsync(path);

        await response.AssertStatusAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Startup_AppliesMigrations_CreatesTables()
    {
        await using var connection = await App.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT table_name FROM information_schema.tables
            WHERE table_schema = 'public' AND table_name = ANY(@names)
            ORDER BY table_name
            """, connection);
        command.Parameters.AddWithValue("names", new[] { "users", "groups", "link" });

        var tables = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                tables.Add(reader.GetString(0));

        Assert.Equal(["groups", "link", "users"], tables);
    }
}
