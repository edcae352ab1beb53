using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using ScimLite.Http;
using ScimLite.Scim;

namespace ScimLite.Requests;

/// <summary>
/// Records a /scim/v2 request in the request log when it is answered 4xx or 5xx, or when an operator captures its
/// client (<see cref="CaptureDemands"/>), within the client's <see cref="RecordRateCap"/>. A request with a body
/// (POST, PUT, PATCH) has it buffered in memory as the handler reads it; only a recorded request's buffer is read
/// again. Redaction and the queue run after the response is sent (<c>OnCompleted</c>), the insert on the
/// <see cref="RequestLogWriter"/>: nothing here fails or waits on the database. Runs outside the exception handler,
/// so the status it sees is the one sent.
/// </summary>
public sealed class RequestCapture(RequestDelegate next, RequestLogWriter writer, CaptureDemands demands, RecordRateCap cap,
    IOptions<RequestLogOptions> logOptions, IOptions<ScimOptions> scimOptions, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!logOptions.Value.Enabled || !request.Path.StartsWithSegments(ScimRequest.BasePath))
        {
            await next(context);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        var max = scimOptions.Value.MaxPayloadBytes;
        Stream? body = null;
        if (HasBody(request) && !(request.ContentLength > max))
        {
            // Held in memory up to the largest body the server accepts (never a temporary file).
            request.EnableBuffering((int)Math.Min(max, int.MaxValue));
            body = request.Body;
        }
        await next(context);
        try
        {
            await RecordAsync(context, started, body, max);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Recording never fails the request it records.
            RequestLogMetrics.Drop(RequestLogMetrics.Failed, context.User.Identity?.Name);
        }
    }

    async Task RecordAsync(HttpContext context, long started, Stream? body, long max)
    {
        var request = context.Request;
        var status = context.Response.StatusCode;
        var client = context.User.Identity?.Name;
        var reason = status >= 400 ? "error" : demands.IsOn(client) ? "capture" : null;
        if (reason is null)
            return;
        if (!cap.TryTake(client))
        {
            RequestLogMetrics.Drop(RequestLogMetrics.RateCap, client);
            return;
        }
        var duration = Stopwatch.GetElapsedTime(started);
        var at = time.GetUtcNow().UtcDateTime - duration;
        var bytes = body is null ? null : await ReadAgainAsync(body, max, context.RequestAborted);
        var error = AnsweredError.Of(context);
        var headers = request.Headers;
        var record = new RequestRecord(at, client, context.TraceIdentifier, request.Method, request.PathBase + request.Path,
            request.QueryString.HasValue ? request.QueryString.Value : null, status, error?.ScimType, error?.Message,
            Math.Round(duration.TotalMilliseconds, 2), Header(headers.ContentType), Header(headers.IfMatch), Header(headers["Prefer"]),
            Header(headers.UserAgent), null, null, false, reason);
        var hasBody = HasBody(request);
        var length = request.ContentLength ?? 0;
        context.Response.OnCompleted(() =>
        {
            try
            {
                // After the response: redaction costs the client nothing.
                var stored = bytes is not null ? BodyRedaction.Store(bytes)
                    : hasBody ? BodyRedaction.NotRead(length, "larger than the server accepts, or the connection closed")
                    : null;
                writer.Enqueue(record with { Body = stored?.Text, BodyBytes = stored?.Bytes, BodyTruncated = stored?.Truncated ?? false });
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                RequestLogMetrics.Drop(RequestLogMetrics.Failed, client);
            }
            return Task.CompletedTask;
        });
    }

    static bool HasBody(HttpRequest request) =>
        request.ContentLength != 0 && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method));

    /// <summary>A header as sent, at most 1,000 characters; null when absent.</summary>
    static string? Header(StringValues value)
    {
        if (value.Count == 0)
            return null;
        var text = value.ToString();
        return text.Length > 1000 ? text[..1000] : text;
    }

    /// <summary>The whole body from the buffer (reading what the handler left unread), or null when it cannot be had.</summary>
    static async Task<byte[]?> ReadAgainAsync(Stream body, long max, CancellationToken ct)
    {
        try
        {
            body.Position = 0;
            var buffer = new ArrayBufferWriter<byte>();
            while (buffer.WrittenCount <= max)
            {
                var read = await body.ReadAsync(buffer.GetMemory(16 * 1024), ct);
                if (read == 0)
                    return buffer.WrittenSpan.ToArray();
                buffer.Advance(read);
            }
            return null;
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or BadHttpRequestException or NotSupportedException)
        {
            return null; // the connection went away, or the body was over the limit: the record says so by its size alone
        }
    }
}
