using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ScimLite.Journal;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Journal;

/// <summary>Retention removes the rows older than Scim:Journal:RetentionDays (default 90) and nothing else.</summary>
public class JournalRetentionTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task Purge_RemovesOnlyRowsOlderThanTheLimit_InSeveralBatches()
    {
        await using (var connection = await App.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO journal (at, resource_type, resource_id, name, action, changes)
                SELECT now() - make_interval(days => d), 'User', gen_random_uuid(), 'day' || d, 'created', '{}'
                  FROM (SELECT 91 FROM generate_series(1, @old) UNION ALL SELECT 90 UNION ALL SELECT 89 UNION ALL SELECT 0) AS x(d)
                """, new { old = JournalRetention.BatchSize * 2 + 10 });

        var removed = await App.Factory.Services.GetRequiredService<JournalRetention>().PurgeAsync(CancellationToken.None);

        Assert.Equal(JournalRetention.BatchSize * 2 + 11, removed);
        await using var check = await App.OpenConnectionAsync();
        Assert.Equal(["day0", "day89"], (await check.QueryAsync<string>("SELECT name FROM journal ORDER BY name")).ToArray());
    }
}
