using AiMesh.Contracts.Routing;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// The saga's answer for the HTTP exchange holding the client. Private to the ingress. When <see cref="Error"/> is
/// set the request failed; <see cref="ChunkCount"/> chunks were streamed before it ended either way.
/// <see cref="DroppedParameters"/> are request fields the deployment sent without (the client is told in a header);
/// <see cref="Cost"/> is the router's cost of the request (the <c>x-aimesh-cost</c> header of a whole answer);
/// <see cref="PromptVersion"/> the version of the prompt the request was rendered from (the <c>x-aimesh-prompt-version</c> header).
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
    string? PromptVersion = null)
{
    /// <summary>The answer for a request the gateway ended itself with <paramref name="error"/>, before anything was streamed.</summary>
    internal static CompletionAnswered Refused(Guid requestId, ApiError error) =>
        new(requestId, error.Status, null, 0, new AnswerError(error.Type, error.Code ?? "", error.Message, error.Param, error.RetryAfterSeconds), null, null);
}
