using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.PromptApis;

/// <summary>
/// Keeps what a <see cref="CompletionExchange"/> would have written, for <see cref="PromptApiEndpoint"/> to look at
/// first: a prompt API answers in its own shape, may check the output and call again, so nothing is written for it
/// until it knows the outcome. Prompt APIs never stream, so no chunk ever comes here.
/// </summary>
internal sealed class CapturingWriter : IAnswerWriter
{
    public ApiError? Error { get; private set; }

    public string? Body { get; private set; }

    public Task WriteErrorAsync(HttpResponse response, ApiError error)
    {
        Error = error;
        return Task.CompletedTask;
    }

    public Task WriteAnswerAsync(HttpResponse response, int status, string body, CancellationToken aborted)
    {
        Body = body;
        return Task.CompletedTask;
    }

    public Task WriteChunkAsync(HttpResponse response, string chunk, CancellationToken aborted) => Task.CompletedTask;

    public Task WriteHeartbeatAsync(HttpResponse response, CancellationToken aborted) => Task.CompletedTask;

    public Task EndStreamAsync(HttpResponse response, ApiError? error, CancellationToken aborted)
    {
        Error ??= error ?? new ApiError(502, "api_error", "stream_unexpected", "The prompt API's call answered as a stream.");
        return Task.CompletedTask;
    }
}
