namespace ScimLite.Journal;

/// <summary>Settings under <c>Scim:Journal</c> (env <c>Scim__Journal__…</c>).</summary>
public sealed class JournalOptions
{
    public const string Section = "Scim:Journal";

    /// <summary>Journal rows older than this many days are purged; 0 keeps them for ever.</summary>
    public int RetentionDays { get; set; } = 90;
}

public static class JournalServices
{
    /// <summary>The journal's retention. The journal itself is written by triggers (sql/0003_journal.sql).</summary>
    public static IServiceCollection AddJournal(this IServiceCollection services)
    {
        services.AddOptions<JournalOptions>().BindConfiguration(JournalOptions.Section)
            .Validate(o => o.RetentionDays >= 0, "Scim:Journal:RetentionDays must be 0 or more.").ValidateOnStart();
        services.AddSingleton<JournalRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<JournalRetention>());
        return services;
    }
}
