namespace AiMesh.Contracts.Prompts;

/// <param name="Param">The request member at fault (e.g. <c>prompt.variables.name</c>), when there is one.</param>
[TransientMessage]
public sealed record PromptRenderFailed(Guid RequestId, int Status, string Code, string Message, string? Param);
