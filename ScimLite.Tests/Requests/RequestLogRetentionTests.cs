using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ScimLite.Requests;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Requests;

/// <summary>The purge keeps request_log within Scim:RequestLog:RetentionDays and Scim:RequestLog:MaxRows.</summary>
public class RequestLogRetentionTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task Purge_RemovesRowsPastTheRetention_ThenTheOldestBeyondTheRowCap_InBatches()
    {
        const int MaxRows = 1500;
        await using (var connection = await App.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO request_log (at, request_id, method, path, status, duration_ms, reason)
                SELECT now() - make_interval(days => d), 'r' || i, 'GET', '/scim/v2/Users', 400, 1, 'error'
                  FROM (SELECT i, CASE WHEN i <= 1200 THEN 8 ELSE 0 END FROM generate_series(1, 3000) AS i) AS x(i, d)
                """);
        await using var host = App.RequestLogHost(new Dictionary<string, string?> { ["Scim:RequestLog:MaxRows"] = MaxRows.ToString() });

        var removed = await host.Services.GetRequiredService<RequestLogRetention>().PurgeAsync(CancellationToken.None);

        await using var check = await App.OpenConnectionAsync();
        var left = (await check.QueryAsync<string>("SELECT request_id FROM request_log ORDER BY seq")).ToList();
        // The fixture's own purge may have taken the 8-day-old rows first; the rest is this call's.
        Assert.InRange(removed, 1500 - 1200, 1500);
        Assert.Equal(MaxRows, left.Count);
        Assert.Equal(("r1501", "r3000"), (left[0], left[^1]));
    }
}
