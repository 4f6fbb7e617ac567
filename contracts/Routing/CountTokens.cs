namespace AiMesh.Contracts.Routing;

/// <summary>
/// Asks the router how many input tokens a chat request holds for the deployment that would serve it (Anthropic's
/// <c>count_tokens</c>). Answered by <see cref="TokensCounted"/>. Nothing is generated or metered.
/// </summary>
/// <param name="Model">The public model name.</param>
/// <param name="Body">The request in the mesh's canonical form (an OpenAI chat request), as JSON.</param>
[TransientMessage]
public sealed record CountTokens(Guid RequestId, string Model, string Body);
