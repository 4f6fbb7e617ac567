namespace AiMesh.Contracts.Prompts;

/// <summary>Any admin request to the prompts service refused: an HTTP-like status (400, 404, 409), a stable code, and words safe to show.</summary>
[TransientMessage]
public sealed record PromptRequestFailed(Guid RequestId, int Status, string Code, string Message);
