using System.Diagnostics.Metrics;

namespace ScimLite.Safety;

/// <summary>
/// The brake's metrics on the <c>ScimLite.Safety</c> meter: <c>scimlite.brake.engaged</c> (times this instance engaged
/// it), <c>scimlite.brake.held</c> (every request it refused here) and the gauge <c>scimlite.brake.engaged_state</c>
/// (1 engaged, 0 not). The gauge reports a cached value, refreshed by <see cref="BrakeStateWatcher"/> every few
/// seconds and on each refusal, so a scrape never waits on the database; it reports nothing until the first read.
/// </summary>
public static class BrakeMetrics
{
    public const string MeterName = "ScimLite.Safety";
    public const string StateGauge = "scimlite.brake.engaged_state";

    // -1: not read yet.
    static int state = -1;

    static readonly Meter Meter = WithStateGauge(new Meter(MeterName));
    static readonly Counter<long> EngagedCounter = Meter.CreateCounter<long>("scimlite.brake.engaged", "{engagement}", "Times the deprovisioning brake engaged");
    static readonly Counter<long> HeldCounter = Meter.CreateCounter<long>("scimlite.brake.held", "{request}", "Requests refused by the deprovisioning brake");

    static Meter WithStateGauge(Meter meter)
    {
        meter.CreateObservableGauge(StateGauge, Observe, "{state}", "1 while the deprovisioning brake is engaged, 0 while it is not");
        return meter;
    }

    static IEnumerable<Measurement<int>> Observe()
    {
        var value = Volatile.Read(ref state);
        return value < 0 ? [] : [new Measurement<int>(value)];
    }

    public static void Engaged() => EngagedCounter.Add(1);

    public static void Held() => HeldCounter.Add(1);

    /// <summary>The brake row as last seen (the watcher's read, an engage, a refusal).</summary>
    public static void Observed(bool engaged) => Volatile.Write(ref state, engaged ? 1 : 0);
}
