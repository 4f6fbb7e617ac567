namespace AiMesh.Contracts.Routing;

/// <summary>The answer to <see cref="CountTokens"/>: a count, or why there is none. Every member but the id is optional.</summary>
/// <param name="InputTokens">The count; null when there is none (see <paramref name="Status"/>).</param>
/// <param name="Estimated">True when the router estimated the count because the deployment's provider cannot count.</param>
/// <param name="Status">When there is no count: the HTTP status to answer (404 for a model no deployment serves).</param>
/// <param name="ErrorCode">When there is no count: an OpenAI-style error code, e.g. <c>model_not_found</c>.</param>
/// <param name="ErrorMessage">When there is no count: text fit for the client.</param>
[TransientMessage]
public sealed record TokensCounted(
    Guid RequestId,
    int? InputTokens = null,
    bool Estimated = false,
    int? Status = null,
    string? ErrorCode = null,
    string? ErrorMessage = null);
