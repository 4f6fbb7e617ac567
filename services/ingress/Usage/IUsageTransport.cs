using AiMesh.Contracts.Metering;

namespace AiMesh.Ingress.Usage;

/// <summary>Where <see cref="UsageSender"/> sends a batch: the bus (<see cref="BusUsageTransport"/>), or a test's fake.</summary>
internal interface IUsageTransport
{
    /// <summary>Done when the broker has taken the batch (its confirm); throws when it did not.</summary>
    Task SendAsync(RecordUsageBatch batch, CancellationToken cancellationToken);
}
