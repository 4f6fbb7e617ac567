using System.Diagnostics.Metrics;

namespace AiMesh.Metering.Recording;

/// <summary>Counts usage records whose message went to the error queue: the number to alert on.</summary>
internal sealed class MeteringFaults : IDisposable
{
    private readonly Meter meter = new("AiMesh.Metering");
    private readonly Counter<long> faulted;

    public MeteringFaults()
    {
        faulted = meter.CreateCounter<long>("aimesh.metering.usage.faulted", "{record}", "Usage records whose message was moved to the error queue");
    }

    public void Faulted(int records) => faulted.Add(records);

    public void Dispose() => meter.Dispose();
}
