using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Metering.Tests.Infrastructure;

/// <summary>
/// Listens to one host's metering meter (by its <see cref="IMeterFactory"/>, so other hosts in this test process do not
/// count) and keeps, per instrument, the sum of what was recorded and how many measurements there were.
/// </summary>
public sealed class MeteringMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, (double Sum, long Count)> _seen = new(StringComparer.Ordinal);

    public MeteringMeasurements(IServiceProvider services)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "AiMesh.Metering" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Add(instrument.Name, value));
        _listener.Start();
    }

    public double Sum(string instrument) => _seen.TryGetValue(instrument, out var seen) ? seen.Sum : 0;

    public long Count(string instrument) => _seen.TryGetValue(instrument, out var seen) ? seen.Count : 0;

    public void Dispose() => _listener.Dispose();

    private void Add(string instrument, double value) =>
        _seen.AddOrUpdate(instrument, (value, 1), (_, seen) => (seen.Sum + value, seen.Count + 1));
}
