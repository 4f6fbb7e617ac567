namespace AiMesh.Contracts.Prompts;

/// <summary>
/// Creates or replaces a prompt chain; answered by <see cref="ChainFound"/> or <see cref="PromptRequestFailed"/> (400
/// naming every fault at once: a reference to a later or unknown step or to nothing, a prompt or version that does not
/// exist, a step without a model).
/// </summary>
[TransientMessage]
public sealed record SaveChain(
    Guid RequestId,
    string Name,
    string? OrganizationId,
    string? Model,
    IReadOnlyList<ChainStepDetail> Steps,
    string Author);
