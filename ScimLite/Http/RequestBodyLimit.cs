using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using ScimLite.Scim;

namespace ScimLite.Http;

/// <summary>
/// Enforces <see cref="ScimOptions.MaxPayloadBytes"/> with a SCIM 413 rather than Kestrel's bare one: a declared
/// Content-Length over the limit is refused before anything reads the body. A chunked body is stopped by Kestrel's
/// MaxRequestBodySize (see <see cref="Hosting.ScimHosting"/>), whose exception <see cref="ScimErrorHandler"/> turns into the same
/// 413; a server without that limit (the in-memory test server) reads through a counting stream instead.
/// </summary>
public sealed class RequestBodyLimit(RequestDelegate next, IOptions<ScimOptions> options)
{
    public Task InvokeAsync(HttpContext context)
    {
        var max = options.Value.MaxPayloadBytes;
        if (context.Request.ContentLength > max)
            return ScimErrorHandler.WriteAsync(context, ScimErrorHandler.Translate(TooLarge()), context.RequestAborted);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is null)
            context.Request.Body = new CountingStream(context.Request.Body, max);
        return next(context);
    }

    static BadHttpRequestException TooLarge() => new("Request body too large.", StatusCodes.Status413PayloadTooLarge);

    sealed class CountingStream(Stream inner, long max) : Stream
    {
        long read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            Count(await inner.ReadAsync(buffer, ct));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        int Count(int n)
        {
            read += n;
            return read > max ? throw TooLarge() : n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
