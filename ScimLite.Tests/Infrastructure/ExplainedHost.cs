using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ScimLite.Tests.Infrastructure;

/// <summary>A table scan in an executed plan and the rows it read (returned plus filtered out, over all loops).</summary>
public sealed record ScanNode(string NodeType, string Relation, string? Index, double RowsRead);

/// <summary>One statement the server ran, with the scans of its executed plan.</summary>
public sealed record ExecutedPlan(string Query, IReadOnlyList<ScanNode> Scans);

/// <summary>
/// A second ScimLite host on the test database whose PostgreSQL sessions load auto_explain with
/// <c>log_level = notice</c> and <c>log_analyze = on</c>: every statement a handler runs sends its executed plan (JSON,
/// actual rows) back to the server's own connection as a notice, which Npgsql logs and this host records. So the plans
/// are of the exact statements, with the exact parameters, that a request issues — nothing is copied from the server.
/// Needs a superuser connection (the test cluster's <c>postgres</c>) to preload auto_explain.
/// </summary>
public sealed class ExplainedHost : IAsyncDisposable
{
    readonly NoticeLog log = new();
    readonly WebApplicationFactory<Program> factory;
    readonly string token;

    public ExplainedHost(ScimApp app)
    {
        token = app.Token;
        var connectionString = new NpgsqlConnectionStringBuilder(app.ConnectionString)
        {
            Options = "-c session_preload_libraries=auto_explain -c auto_explain.log_min_duration=0 -c auto_explain.log_analyze=on "
                + "-c auto_explain.log_format=json -c auto_explain.log_level=notice -c auto_explain.log_nested_statements=on",
        }.ConnectionString;
        factory = app.Factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("ConnectionStrings:Scim", connectionString);
            builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(
                new Dictionary<string, string?> { ["ConnectionStrings:Scim"] = connectionString }));
            builder.ConfigureLogging(logging => logging.AddProvider(log).AddFilter<NoticeLog>("Npgsql", LogLevel.Trace));
        });
    }

    public HttpClient CreateClient()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Runs <paramref name="request"/> and returns the plans of the statements the server ran meanwhile.</summary>
    public async Task<IReadOnlyList<ExecutedPlan>> CaptureAsync(Func<Task> request)
    {
        log.Start();
        try
        {
            await request();
        }
        finally
        {
            log.Stop();
        }
        var plans = log.Drain().Select(Parse).ToList();
        Assert.True(plans.Count > 0, "No plans were captured: is auto_explain available to the test PostgreSQL?");
        return plans;
    }

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    static ExecutedPlan Parse(string notice)
    {
        var start = notice.IndexOf('{');
        using var document = JsonDocument.Parse(notice[start..]);
        var scans = new List<ScanNode>();
        Walk(document.RootElement.GetProperty("Plan"), scans);
        return new ExecutedPlan(document.RootElement.GetProperty("Query Text").GetString() ?? "", scans);
    }

    static void Walk(JsonElement node, List<ScanNode> scans)
    {
        if (node.TryGetProperty("Relation Name", out var relation) && node.GetProperty("Node Type").GetString()!.EndsWith("Scan", StringComparison.Ordinal))
        {
            double Number(string name) => node.TryGetProperty(name, out var value) ? value.GetDouble() : 0;
            var perLoop = Number("Actual Rows") + Number("Rows Removed by Filter") + Number("Rows Removed by Index Recheck");
            scans.Add(new ScanNode(node.GetProperty("Node Type").GetString()!, relation.GetString()!,
                node.TryGetProperty("Index Name", out var index) ? index.GetString() : null, perLoop * Number("Actual Loops")));
        }
        if (node.TryGetProperty("Plans", out var children))
            foreach (var child in children.EnumerateArray())
                Walk(child, scans);
    }

    /// <summary>Records Npgsql's "Received notice" log lines while started; auto_explain's carry the plan.</summary>
    sealed class NoticeLog : ILoggerProvider, ILogger
    {
        const string Prefix = "Received notice: ";
        readonly ConcurrentQueue<string> notices = new();
        volatile bool recording;

        public void Start()
        {
            notices.Clear();
            recording = true;
        }

        public void Stop() => recording = false;

        public IEnumerable<string> Drain() => notices.ToArray().Where(n => n.Contains("\"Plan\"", StringComparison.Ordinal));

        public ILogger CreateLogger(string categoryName) => this;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!recording)
                return;
            var message = formatter(state, exception);
            if (message.StartsWith(Prefix, StringComparison.Ordinal))
                notices.Enqueue(message[Prefix.Length..]);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public void Dispose() { }
    }
}
