using System.Diagnostics.Metrics;
using ScimLite.Requests;

namespace ScimLite.Tests.Requests;

/// <summary>
/// Sums <c>scimlite.request_log.dropped</c> for one client and the given reasons while it lives (the meter is static,
/// so it hears every host in the process; the "scim" collection runs one test at a time).
/// </summary>
sealed class DropCounter : IDisposable
{
    readonly MeterListener listener = new();
    long count;

    public DropCounter(string client, params string[] reasons)
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RequestLogMetrics.MeterName && instrument.Name == RequestLogMetrics.DroppedName)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var all = tags.ToArray();
            if (all.Any(t => t.Key == "scim.client" && client.Equals(t.Value)) && all.Any(t => t.Key == "reason" && reasons.Contains(t.Value as string)))
                Interlocked.Add(ref count, value);
        });
        listener.Start();
    }

    public long Count => Interlocked.Read(ref count);

    public void Dispose() => listener.Dispose();
}
