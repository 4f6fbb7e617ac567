namespace AiMesh.Contracts.Metering;

/// <summary>
/// The <see cref="RouterReport"/>s of the routes one router replica ended since its previous batch, sent to
/// <c>aimesh-metering</c> as one persistent message. Metering keeps each once per request id (a redelivered batch
/// stores nothing twice).
/// </summary>
public sealed record RecordRouterReports(IReadOnlyList<RouterReport> Reports);
