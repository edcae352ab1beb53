using System.Diagnostics.Metrics;
using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using ScimLite.Tests.Infrastructure;

namespace ScimLite.Tests.Telemetry;

/// <summary>
/// Every <see cref="Meter"/> the ScimLite assembly creates is exported: each of its instruments, once it has a
/// measurement, appears on the Prometheus scrape. A new meter under a name the exporter does not subscribe to fails
/// here, rather than being invisible in production.
/// </summary>
public class EveryMeterExportedTests(ScimApp app) : ScimTest(app)
{
    /// <summary>The meters held in static fields of ScimLite's types (their static constructors run first).</summary>
    static List<Meter> MetersOfTheCode()
    {
        var meters = new List<Meter>();
        foreach (var type in typeof(Program).Assembly.GetTypes())
        {
            var fields = type.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public).Where(f => f.FieldType == typeof(Meter)).ToList();
            if (fields.Count == 0 || type.ContainsGenericParameters)
                continue;
            RuntimeHelpers.RunClassConstructor(type.TypeHandle);
            meters.AddRange(fields.Select(f => (Meter)f.GetValue(null)!));
        }
        return meters;
    }

    static List<Instrument> InstrumentsOf(List<Meter> meters)
    {
        var instruments = new List<Instrument>();
        using var listener = new MeterListener
        {
            // Published for the instruments that exist already, too; measurements are not enabled (this only lists).
            InstrumentPublished = (instrument, _) =>
            {
                if (meters.Contains(instrument.Meter))
                    instruments.Add(instrument);
            },
        };
        listener.Start();
        return instruments;
    }

    /// <summary>A zero measurement: the series then exists without changing any count.</summary>
    static void MeasureZero(Instrument instrument)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType || instrument.IsObservable)
            return; // observable instruments are read at each scrape
        var value = Activator.CreateInstance(type.GetGenericArguments()[0])!;
        var method = type.GetMethod(instrument is Histogram<long> or Histogram<double> or Histogram<int> ? "Record" : "Add", [value.GetType()]);
        method!.Invoke(instrument, [value]);
    }

    [Fact]
    public async Task EveryInstrumentOfEveryMeter_AppearsOnTheScrape()
    {
        var meters = MetersOfTheCode();
        Assert.Contains(meters, m => m.Name == "ScimLite");
        Assert.Contains(meters, m => m.Name == "ScimLite.Safety");
        await using var host = MetricsHost.Start(App);
        var instruments = InstrumentsOf(meters);
        Assert.Contains(instruments, i => i.Name == "scimlite.brake.held");
        foreach (var instrument in instruments)
            MeasureZero(instrument);

        var scrape = await host.Metrics.GetStringAsync("/metrics");

        var missing = instruments
            .Where(i => !Regex.IsMatch(scrape, $@"^{Regex.Escape(i.Name.Replace('.', '_'))}\w*[{{ ]", RegexOptions.Multiline))
            .Select(i => $"{i.Meter.Name}: {i.Name}")
            .ToList();
        Assert.True(missing.Count == 0, "not exported: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("GET", "/METRICS", HttpStatusCode.NotFound)]
    [InlineData("GET", "/Metrics", HttpStatusCode.NotFound)]
    [InlineData("GET", "/metrics/x", HttpStatusCode.NotFound)]
    [InlineData("POST", "/metrics", HttpStatusCode.MethodNotAllowed)]
    [InlineData("DELETE", "/metrics", HttpStatusCode.MethodNotAllowed)]
    [InlineData("HEAD", "/metrics", HttpStatusCode.OK)]
    [InlineData("GET", "/metrics", HttpStatusCode.OK)]
    public async Task MetricsListener_AnswersExactlyGetMetrics(string method, string path, HttpStatusCode expected)
    {
        await using var host = MetricsHost.Start(App);

        using var response = await host.Metrics.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(expected, response.StatusCode);
    }
}
