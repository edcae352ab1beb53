using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using ScimLite.Data;
using ScimLite.Hosting;
using ScimLite.Scim;
using ScimLite.Scim.Schema;

namespace ScimLite.Http;

/// <summary>
/// The one place errors become responses: a <see cref="ScimException"/>, a database constraint violation, a bad JSON
/// body or an exhausted transient fault become a SCIM error body (RFC 7644 §3.12, status as a string). Anything else
/// is a 500 whose body says nothing about the cause; the cause goes to the log.
/// </summary>
public sealed class ScimErrorHandler(ILogger<ScimErrorHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var error = Translate(exception);
        if (Transient.IsTimeout(exception))
            Telemetry.ScimMetrics.TimedOut();
        // Only a real 500 is an error with a stack trace; a 501 or a 503 is an answer, not a fault of ScimLite.
        if (error.Status == 500)
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, LogText.Escape(context.Request.Path.Value));
        else if (error.Status == 503 && Transient.IsTimeout(exception))
            LogTimeout(context, exception.Message);
        else if (error.Status == 503)
            logger.LogWarning(DatabaseUnavailable, "Database unavailable on {Method} {Path}: {Error}", context.Request.Method, LogText.Escape(context.Request.Path.Value), exception.Message);
        await WriteAsync(context, error, ct);
        return true;
    }

    /// <summary>Raised by scim_within_limits when a multi-valued attribute or the custom attributes grow over a limit.</summary>
    public const string LimitSqlState = "SL400";

    /// <summary>Event ids that tell a request that ran out of time from one that found the database down.</summary>
    public static readonly EventId DatabaseUnavailable = new(5030, nameof(DatabaseUnavailable));
    public static readonly EventId RequestTookTooLong = new(5031, nameof(RequestTookTooLong));

    /// <summary>The answer to a request that outlived its deadline or a statement timeout: not an outage, so not retried.</summary>
    public static ScimException TookTooLong() =>
        ScimException.Unavailable("The request took too long and was stopped; retry later, or send a smaller request.", retryAfterSeconds: 5);

    public static void LogTimeout(HttpContext context, string cause) =>
        context.RequestServices.GetRequiredService<ILogger<ScimErrorHandler>>().LogWarning(RequestTookTooLong,
            "Request took too long on {Method} {Path} ({Cause})", context.Request.Method, LogText.Escape(context.Request.Path.Value), cause);

    /// <summary>SQLSTATE of a change ScimLite's triggers hold back (the brake's, sql/0004_safety.sql).</summary>
    public const string HeldSqlState = "SL503";

    public static ScimException Translate(Exception exception) => exception switch
    {
        ScimException scim => scim,
        BadHttpRequestException { StatusCode: 413 } => ScimException.PayloadTooLarge("The request body is larger than the server accepts."),
        BadHttpRequestException bad => ScimException.InvalidSyntax(bad.Message),
        JsonException => ScimException.InvalidSyntax("The request body is not valid JSON."),
        PostgresException { SqlState: "23505" } pg => ScimException.Uniqueness(UniquenessDetail(pg.ConstraintName)),
        PostgresException { SqlState: "23503" } => ScimException.InvalidValue("A referenced resource does not exist."),
        PostgresException { SqlState: "23514" } => ScimException.InvalidValue("A required value is empty."),
        PostgresException { SqlState: "22P02" or "22001" or "22021" or "22P05" or "54000" } =>
            ScimException.InvalidValue("A value cannot be stored (wrong type, invalid text or too large)."),
        // A value over Scim:MaxMultiValuedItems or Scim:MaxExtensionBytes (scim_within_limits, sql/0011_extension_limits.sql):
        // the message is ScimLite's own, with numbers and declared names only.
        PostgresException { SqlState: LimitSqlState } pg => ScimException.InvalidValue(pg.MessageText),
        // A change ScimLite's own SQL holds back (the deprovisioning brake, whose handler in ScimLite/Safety answers
        // first and counts it): unavailable for now, so the identity provider retries rather than drops it.
        PostgresException { SqlState: HeldSqlState } pg => ScimException.Unavailable(pg.MessageText, retryAfterSeconds: 60),
        // statement_timeout or Command Timeout: this request took too long; the database is not down.
        _ when Transient.IsTimeout(exception) => TookTooLong(),
        OperationCanceledException => new ScimException(499, null, "The client closed the request."),
        _ when Transient.IsTransient(exception) =>
            ScimException.Unavailable("The database is unavailable; retry later.", retryAfterSeconds: 5),
        _ => new ScimException(500, null, "Internal server error."),
    };

    static string UniquenessDetail(string? constraint) => constraint switch
    {
        "users_user_name_key" => "A user with this userName already exists.",
        "groups_display_name_key" => "A group with this displayName already exists.",
        _ => "The value is already in use.",
    };

    /// <summary>Bodiless 4xx/5xx answers (unknown route, wrong method) under /scim/v2 get a SCIM error body too.</summary>
    public static Task StatusCodePage(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (!http.Request.Path.StartsWithSegments(ScimRequest.BasePath))
            return Task.CompletedTask;
        var status = http.Response.StatusCode;
        var detail = status switch
        {
            404 => "No such endpoint.",
            405 => $"{http.Request.Method} is not supported here.",
            415 => "Send the body as application/scim+json or application/json.",
            _ => "The request failed.",
        };
        return WriteAsync(http, new ScimException(status, null, detail), http.RequestAborted);
    }

    public static async Task WriteAsync(HttpContext context, ScimException error, CancellationToken ct)
    {
        AnsweredError.Note(context, error);
        if (context.Response.HasStarted)
            return;
        context.Response.Clear();
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = ScimJson.MediaType;
        if (error.RetryAfterSeconds is { } seconds)
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (error.Status == 401)
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"ScimLite\"";
        await using var writer = new Utf8JsonWriter(context.Response.Body, ScimJson.WriterOptions);
        writer.WriteStartObject();
        writer.WriteStartArray("schemas");
        writer.WriteStringValue(ScimUrns.Error);
        writer.WriteEndArray();
        writer.WriteString("status", error.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (error.ScimType is not null)
            writer.WriteString("scimType", error.ScimType);
        writer.WriteString("detail", error.Message);
        writer.WriteEndObject();
        await writer.FlushAsync(ct);
    }
}
