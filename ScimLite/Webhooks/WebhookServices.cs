using Microsoft.Extensions.Options;

namespace ScimLite.Webhooks;

/// <summary>How webhooks are delivered (<c>Scim:WebhookDelivery:*</c>); the endpoints themselves are <c>Scim:Webhooks:&lt;i&gt;</c>.</summary>
public sealed class WebhookDeliveryOptions
{
    public const string Section = "Scim:WebhookDelivery";

    /// <summary>How often a worker looks at the journal when no notification woke it, and a standby instance tries to take an endpoint over.</summary>
    public int PollMilliseconds { get; set; } = 5000;

    /// <summary>The wait after a first failed attempt; it doubles with each further failure (with jitter) …</summary>
    public int RetryMinMilliseconds { get; set; } = 1000;

    /// <summary>… up to this many seconds between attempts.</summary>
    public int RetryMaxSeconds { get; set; } = 3600;

    /// <summary>How long one POST may take, connecting included.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    public const int MaxBatchSize = 100;

    /// <summary>Events per POST (the batch is a JSON array), at most <see cref="MaxBatchSize"/>.</summary>
    public int BatchSize { get; set; } = MaxBatchSize;
}

/// <summary>Checks the <c>Scim:Webhooks</c> list when the server starts: a wrong entry stops start-up naming it.</summary>
sealed class WebhookEndpointValidation(IConfiguration configuration) : IValidateOptions<WebhookDeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookDeliveryOptions options)
    {
        try
        {
            WebhookEndpoints.Read(configuration);
            return ValidateOptionsResult.Success;
        }
        catch (WebhookConfigException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}

public static class WebhookServices
{
    /// <summary>The HttpClient name of the sender: no redirects, no cookies, no proxy credentials, the configured timeout.</summary>
    public const string HttpClientName = "ScimLite.Webhooks";

    /// <summary>Webhook delivery: options, the endpoints' check at start-up, the sender and one worker per endpoint.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookDeliveryOptions>().BindConfiguration(WebhookDeliveryOptions.Section)
            .Validate(o => o.PollMilliseconds is >= 10 and <= 300_000, "Scim:WebhookDelivery:PollMilliseconds must be between 10 and 300000.")
            .Validate(o => o.RetryMinMilliseconds >= 10 && o.RetryMaxSeconds >= 1 && o.RetryMinMilliseconds <= o.RetryMaxSeconds * 1000,
                "Scim:WebhookDelivery:RetryMinMilliseconds must be 10 or more, and at most RetryMaxSeconds (1 or more) in milliseconds.")
            .Validate(o => o.TimeoutSeconds is >= 1 and <= 60, "Scim:WebhookDelivery:TimeoutSeconds must be between 1 and 60.")
            .Validate(o => o.BatchSize is >= 1 and <= WebhookDeliveryOptions.MaxBatchSize, "Scim:WebhookDelivery:BatchSize must be between 1 and 100.")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookDeliveryOptions>, WebhookEndpointValidation>();
        services.AddHttpClient(HttpClientName, (sp, client) =>
                client.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<WebhookDeliveryOptions>>().Value.TimeoutSeconds))
            .ConfigurePrimaryHttpMessageHandler(WebhookSender.CreateHandler)
            .RemoveAllLoggers();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDelivery>());
        return services;
    }
}
