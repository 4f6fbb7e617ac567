using AiMesh.Contracts.Metering;

namespace AiMesh.Policy.Admin;

/// <summary>One request's usage as <c>GET /admin/usage/requests/{requestId}</c> shows it.</summary>
/// <param name="Usage">The stored usage event (its bodies are given apart, in <paramref name="Bodies"/>).</param>
/// <param name="Bodies">The request and answer kept by body logging, redacted; null when none were kept or retention removed them.</param>
internal sealed record UsageRequestView(RecordUsage Usage, DateTimeOffset? RecordedAt, UsageBodies? Bodies, DateTimeOffset? BodiesStoredAt);
