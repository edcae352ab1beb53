using System.Diagnostics.Metrics;
using ScimLite.Safety;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Safety;

/// <summary>
/// <c>scimlite.brake.engaged_state</c> follows the brake row within a few seconds, whoever moved it (here an operator's
/// verb, as from another machine), and a collection of it reads a cached value: it never queries the database.
/// </summary>
public class BrakeStateGaugeTests(ScimApp app) : ScimTest(app)
{
    [Fact]
    public async Task Gauge_IsOneWhileEngaged_ZeroAfterRelease()
    {
        var observed = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BrakeMetrics.MeterName && instrument.Name == BrakeMetrics.StateGauge)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, value, _, _) => Volatile.Write(ref observed, value));
        listener.Start();

        Assert.Equal(0, (await App.VerbAsync("brake", "engage", "--reason", "gauge")).Code);
        Assert.True(await EventuallyAsync(listener, () => Volatile.Read(ref observed) == 1), "the gauge did not show the engaged brake");
        Assert.Equal(0, (await App.VerbAsync("brake", "release")).Code);
        Assert.True(await EventuallyAsync(listener, () => Volatile.Read(ref observed) == 0), "the gauge did not show the release");
    }

    /// <summary>Collects the gauge until <paramref name="condition"/> holds, for up to three refresh intervals.</summary>
    static async Task<bool> EventuallyAsync(MeterListener listener, Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + 3 * BrakeStateWatcher.Interval;
        while (DateTime.UtcNow < deadline)
        {
            listener.RecordObservableInstruments();
            if (condition())
                return true;
            await Task.Delay(200);
        }
        return false;
    }
}
