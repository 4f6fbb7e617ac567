namespace AiMesh.Contracts.Routing;

/// <summary>
/// Asks the router how many input tokens a chat request holds for the deployment that would serve it (Anthropic's
/// <c>count_tokens</c>). Answered by <see cref="TokensCounted"/>. Nothing is generated or metered.
/// </summary>
/// <param name="Model">The public model name.</param>
/// <param name="Body">The request in the mesh's canonical form (an OpenAI chat request), as JSON.</param>
/// <param name="ClientHeaders">Added after v1. As <see cref="RouteCompletion.ClientHeaders"/>: the client's
/// <c>anthropic-beta</c>, for a count asked of an Anthropic deployment.</param>
[TransientMessage]
public sealed record CountTokens(Guid RequestId, string Model, string Body, IReadOnlyDictionary<string, string>? ClientHeaders = null);
