using System.Buffers;
using System.Text.Json;

namespace ScimLite.Scim;

/// <summary>
/// A JSON response written with bounded buffering: a <see cref="Utf8JsonWriter"/> over a buffer that is sent to the
/// client whenever it holds <see cref="FlushBytes"/> (at a point the caller chooses, between items). A response that
/// fits in one buffer goes out whole with a Content-Length; a larger one goes out chunked as it is written, so memory
/// stays the same whether a list page or a group's member list is 10 KB or 10 MB.
/// </summary>
public sealed class JsonStream : IDisposable
{
    /// <summary>Bytes buffered before they are sent.</summary>
    public const int FlushBytes = 16 * 1024;

    readonly HttpResponse response;
    // Sized for one resource; it grows (to about twice FlushBytes at most) only for responses that need it.
    readonly ArrayBufferWriter<byte> buffer = new(4096);
    readonly CancellationToken ct;
    bool started;

    public JsonStream(HttpResponse response, CancellationToken ct)
    {
        this.response = response;
        this.ct = ct;
        Writer = new Utf8JsonWriter(buffer, ScimJson.WriterOptions);
    }

    public Utf8JsonWriter Writer { get; }

    /// <summary>True once part of the body has gone to the client: the response can no longer change.</summary>
    public bool Started => started;

    /// <summary>Drops what is buffered, for a retry that writes the response again; only before anything was sent.</summary>
    public void Restart()
    {
        if (started)
            throw new InvalidOperationException("Part of the response has been sent already.");
        Writer.Reset();
        buffer.ResetWrittenCount();
    }

    /// <summary>Sends what is buffered when it has reached <see cref="FlushBytes"/>; call it between items.</summary>
    public ValueTask FlushIfFullAsync() =>
        buffer.WrittenCount + Writer.BytesPending >= FlushBytes ? new ValueTask(SendAsync()) : ValueTask.CompletedTask;

    /// <summary>Sends the rest: the whole body with a Content-Length when nothing was sent before.</summary>
    public async Task CompleteAsync()
    {
        Writer.Flush();
        if (!started && buffer.WrittenCount == 0)
            return; // a response without a body (304)
        if (!started)
            response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, ct);
        buffer.ResetWrittenCount();
    }

    async Task SendAsync()
    {
        Writer.Flush();
        started = true;
        await response.Body.WriteAsync(buffer.WrittenMemory, ct);
        await response.Body.FlushAsync(ct);
        buffer.ResetWrittenCount();
    }

    public void Dispose() => Writer.Dispose();
}
