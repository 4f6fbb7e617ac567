using AiMesh.Contracts.Integration;
using AiMesh.Contracts.Metering;

namespace AiMesh.Metering.Recording;

/// <summary>
/// The append-only usage log as the consumer sees it. Public only because <see cref="RecordUsageConsumer"/> is
/// (the container needs a public constructor, hence public parameter types); the implementation stays internal.
/// </summary>
public interface IUsageLog
{
    /// <summary>
    /// Stores the usage of one request, once. Appending a request id that is already stored stores nothing and
    /// returns the event of the first append, identical to what that append returned.
    /// </summary>
    Task<UsageMetered> AppendAsync(RecordUsage usage, CancellationToken cancellationToken);
}
