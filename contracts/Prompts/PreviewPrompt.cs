namespace AiMesh.Contracts.Prompts;

/// <summary>
/// Renders a prompt as a request naming it would (<paramref name="Version"/>, else <paramref name="Label"/>, else
/// <c>production</c>, else the latest), with <paramref name="Variables"/> (a JSON object), and routes nothing; answered
/// by <see cref="PromptPreviewed"/> or <see cref="PromptRequestFailed"/> (the status and code a request would get).
/// </summary>
[TransientMessage]
public sealed record PreviewPrompt(Guid RequestId, string Name, int? Version, string? Label, string Variables);
