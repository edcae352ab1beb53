using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;

namespace ScimLite.Tests.Security;

/// <summary>
/// Keeps everything the host logs — message, structured values, exception (with inner ones and stack) and the active
/// scopes — as text, so a test can search all of it for secrets.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    readonly ConcurrentQueue<string> entries = new();
    IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Entries => entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose() { }

    sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            Append(text, state);
            if (exception is not null)
                text.Append(" | ").Append(exception);
            provider.scopes.ForEachScope((scope, builder) => Append(builder.Append(" | scope ").Append(scope), scope), text);
            provider.entries.Enqueue(text.ToString());
        }

        static void Append(StringBuilder text, object? values)
        {
            if (values is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                    text.Append(" | ").Append(key).Append('=').Append(value);
            }
        }
    }
}
