using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Mvc.Testing;
using ScimLite.Requests;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Requests;

/// <summary>Hosts and reads for the request log tests.</summary>
static class RequestLogKit
{
    /// <summary>How long a test waits for the background writer.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A host of its own, whose records no other test's requests can crowd out of the rate cap (unless
    /// <paramref name="settings"/> set one), re-reading capture demands every second.
    /// </summary>
    public static WebApplicationFactory<Program> RequestLogHost(this ScimApp app, IDictionary<string, string?>? settings = null) =>
        app.NewHost(new Dictionary<string, string?>
        {
            ["Scim:RequestLog:PermitsPerSecond"] = "100000",
            ["Scim:RequestLog:Burst"] = "100000",
            ["Scim:RequestLog:CaptureRefreshSeconds"] = "1",
        }.Overridden(settings));

    /// <summary>The rows whose path, query or body contain <paramref name="marker"/>, oldest first.</summary>
    public static async Task<List<RequestRow>> RowsAsync(this ScimApp app, string marker)
    {
        await using var connection = await app.OpenConnectionAsync();
        return (await connection.QueryAsync<RequestRow>("""
            SELECT seq, at, client, request_id AS requestid, method, path, query, status, scim_type AS scimtype, detail,
                   duration_ms AS durationms, content_type AS contenttype, if_match AS ifmatch, prefer, user_agent AS useragent,
                   body, body_bytes AS bodybytes, body_truncated AS bodytruncated, reason
              FROM request_log
             WHERE strpos(path || coalesce(query, '') || coalesce(body, ''), @marker) > 0
             ORDER BY seq
            """, new { marker })).ToList();
    }

    /// <summary>Waits (bounded) until at least <paramref name="count"/> rows carry the marker.</summary>
    public static async Task<List<RequestRow>> WaitForRowsAsync(this ScimApp app, string marker, int count = 1)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var rows = await app.RowsAsync(marker);
            if (rows.Count >= count)
                return rows;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"{rows.Count} request_log rows carry '{marker}' after {Wait.TotalSeconds} s; expected {count}.");
            await Task.Delay(100);
        }
    }

    /// <summary>The row says what the response said: status, scimType and detail.</summary>
    public static async Task AssertRecordsAnswerAsync(this RequestRow row, HttpResponseMessage response)
    {
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)response.StatusCode, row.Status);
        Assert.Equal(error.TryGetProperty("scimType", out var scimType) ? scimType.GetString() : null, row.ScimType);
        Assert.Equal(error.GetProperty("detail").GetString(), row.Detail);
        Assert.Equal("error", row.Reason);
        Assert.False(string.IsNullOrEmpty(row.RequestId));
    }
}
