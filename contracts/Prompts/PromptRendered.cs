namespace AiMesh.Contracts.Prompts;

/// <param name="Body">The request JSON with the rendered messages in place and the <c>prompt</c> member removed.</param>
[TransientMessage]
public sealed record PromptRendered(Guid RequestId, string Body, string PromptId, string PromptVersion);
