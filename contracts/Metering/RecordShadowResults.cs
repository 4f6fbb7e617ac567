namespace AiMesh.Contracts.Metering;

/// <summary>
/// The <see cref="ShadowResult"/>s one router replica collected since its previous batch, sent to
/// <c>aimesh-metering-reports</c> as one persistent message. Metering keeps each once per request id and shadow model
/// (a redelivered batch stores nothing twice).
/// </summary>
public sealed record RecordShadowResults(IReadOnlyList<ShadowResult> Results);
