using AiMesh.Contracts.Routing;

namespace AiMesh.Ingress.Chains;

/// <summary>One step that ran, as the answer shows it (<c>steps[i]</c>): its own request id (its usage event's), prompt, version and tokens.</summary>
internal sealed record ChainStepResult(string Name, Guid RequestId, string Prompt, string? Version, string Output, TokenUsage? Usage);
