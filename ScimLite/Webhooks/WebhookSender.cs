using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using StandardWebhooks;

namespace ScimLite.Webhooks;

/// <summary>
/// What one POST came to: a 2xx, or why not. <see cref="Answer"/> is the start of the response body (at most
/// <see cref="WebhookSender.AnswerBytes"/> bytes), kept for diagnosis.
/// </summary>
public sealed record WebhookAttempt(bool Delivered, int? Status, string? Answer, string? Error, TimeSpan Elapsed)
{
    /// <summary>One line for webhook_positions.last_error and the status: "HTTP 500: …", "no answer within 10 s".</summary>
    public string Describe() =>
        Error ?? $"HTTP {Status}{(string.IsNullOrWhiteSpace(Answer) ? "" : ": " + WebhookSender.OneLine(Answer))}";
}

/// <summary>
/// POSTs a signed body to an endpoint, per Standard Webhooks: <c>webhook-id</c>, <c>webhook-timestamp</c> (Unix
/// seconds) and <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</c>, signed with the
/// endpoint's <c>whsec_</c> secret by the StandardWebhooks package. Redirects are not followed (a 3xx is a failure),
/// at most <see cref="AnswerBytes"/> of the answer are read, and the HttpClient's timeout bounds the whole exchange.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, TimeProvider time)
{
    public const int AnswerBytes = 1024;

    /// <summary>The handler of the sender's HttpClient: no redirects, no cookies, no automatic credentials.</summary>
    public static HttpMessageHandler CreateHandler() => new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PreAuthenticate = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    public Task<WebhookAttempt> SendAsync(WebhookEndpoint endpoint, string id, string body, CancellationToken ct) =>
        SendAsync(clients.CreateClient(WebhookServices.HttpClientName), endpoint, id, body, time.GetUtcNow(), ct);

    /// <summary>One signed POST with <paramref name="client"/> (the verbs bring their own).</summary>
    public static async Task<WebhookAttempt> SendAsync(HttpClient client, WebhookEndpoint endpoint, string id, string body, DateTimeOffset now,
        CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", new StandardWebhook(endpoint.Secret).Sign(id, now, body));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("ScimLite-Webhooks", "1"));
        // The client's timeout covers the answer's headers only; this one covers its body too (a receiver may stall mid-body).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(client.Timeout);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var answer = await ReadAnswerAsync(response.Content, deadline.Token);
            var status = (int)response.StatusCode;
            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            if (status is >= 300 and < 400)
                return new WebhookAttempt(false, status, answer,
                    $"HTTP {status}: redirects are not followed (Location: {response.Headers.Location?.ToString() ?? "none"}); configure the final URL", elapsed);
            return new WebhookAttempt(status is >= 200 and < 300, status, answer, null, elapsed);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new WebhookAttempt(false, null, null, $"no answer within {client.Timeout.TotalSeconds:0} s",
                System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException ex)
        {
            return new WebhookAttempt(false, null, null, $"cannot reach {endpoint.Url.Authority}: {OneLine(ex.Message)}",
                System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>The first <see cref="AnswerBytes"/> bytes of the body as text; the rest is never read.</summary>
    static async Task<string> ReadAnswerAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[AnswerBytes];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), ct)) > 0)
            filled += read;
        return Encoding.UTF8.GetString(buffer, 0, filled);
    }

    public static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
