namespace AiMesh.Contracts.Prompts;

/// <summary>
/// Asks the prompts service to render the prompt a request names. <paramref name="Body"/> is the client's
/// request JSON including its <c>prompt</c> member; the answer carries the body to route.
/// </summary>
[TransientMessage]
public sealed record RenderPrompt(Guid RequestId, string Body);
