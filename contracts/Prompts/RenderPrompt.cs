namespace AiMesh.Contracts.Prompts;

/// <summary>
/// Asks the prompts service to render the prompt a request names. <paramref name="Body"/> is the client's
/// request JSON including its <c>prompt</c> member; the answer carries the body to route.
/// </summary>
/// <param name="StickyKey">Added after v1. Who the request is for, which keeps one user on one version of a label's
/// experiment (<see cref="SetPromptSplit"/>): the saga sends <c>end-user:</c> and the request's OpenAI <c>user</c>, else
/// the admitted principal when it is a user (<c>principal:user:…</c>), else <c>key:</c> and the key id. Null (a saga from
/// before) draws each request apart.</param>
[TransientMessage]
public sealed record RenderPrompt(Guid RequestId, string Body, string? StickyKey = null);
