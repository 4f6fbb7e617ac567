using AiMesh.Contracts.Routing;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// The saga's answer for the HTTP exchange holding the client. Private to the ingress. When <see cref="Error"/> is
/// set the request failed; <see cref="ChunkCount"/> chunks were streamed before it ended either way.
/// <see cref="DroppedParameters"/> are request fields the deployment sent without (the client is told in a header);
/// <see cref="Cost"/> is the router's cost of the request (the <c>x-aimesh-cost</c> header of a whole answer).
/// <see cref="PromptVersion"/> is the version of the named prompt that was rendered (a chain step's answer shows it).
/// </summary>
public sealed record CompletionAnswered(
    Guid RequestId,
    int Status,
    string? Body,
    int ChunkCount,
    AnswerError? Error,
    string? Deployment,
    TokenUsage? Usage,
    IReadOnlyList<string>? DroppedParameters = null,
    Cost? Cost = null,
    string? PromptVersion = null);
