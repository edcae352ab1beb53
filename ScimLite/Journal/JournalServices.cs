namespace ScimLite.Journal;

/// <summary>Settings under <c>Scim:Journal</c> (env <c>Scim__Journal__…</c>).</summary>
public sealed class JournalOptions
{
    public const string Section = "Scim:Journal";

    /// <summary>Journal rows older than this many days are purged; 0 keeps them for ever.</summary>
    public int RetentionDays { get; set; } = 90;

    /// <summary>
    /// How often the change feed's head is checked and, when it moved, announced on <c>scimlite_journal</c>: the
    /// longest a listener waits after a commit, plus the query's own time. 0 turns announcements off.
    /// </summary>
    public int NotifyIntervalMilliseconds { get; set; } = 100;
}

public static class JournalServices
{
    /// <summary>
    /// The journal's retention and its change-feed notifier. The journal itself is written by triggers
    /// (sql/0003_journal.sql, sql/0008_journal_cost.sql).
    /// </summary>
    public static IServiceCollection AddJournal(this IServiceCollection services)
    {
        services.AddOptions<JournalOptions>().BindConfiguration(JournalOptions.Section)
            .Validate(o => o.RetentionDays >= 0, "Scim:Journal:RetentionDays must be 0 or more.")
            .Validate(o => o.NotifyIntervalMilliseconds is >= 0 and <= 60_000,
                "Scim:Journal:NotifyIntervalMilliseconds must be between 0 (off) and 60000.")
            .ValidateOnStart();
        services.AddSingleton<JournalRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<JournalRetention>());
        services.AddSingleton<JournalNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<JournalNotifier>());
        return services;
    }
}
