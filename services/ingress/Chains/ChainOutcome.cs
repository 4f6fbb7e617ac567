using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Chains;

/// <summary>
/// How a chain run ended, for the exchange holding its client: the steps that completed and, when one failed, which
/// one and its error (later steps were never submitted).
/// </summary>
internal sealed record ChainOutcome(IReadOnlyList<ChainStepResult> Completed, ChainFailure? Failure);

/// <summary>The step that failed: its place, name, request id and the error its request ended with.</summary>
internal sealed record ChainFailure(int Index, string Step, Guid StepRequestId, ApiError Error);
