using System.Text;

namespace AiMesh.Ingress.OpenAi;

/// <summary>
/// The OpenAI surface's writer: the mesh's answers are already OpenAI-shaped, so bodies and chunks pass as they are;
/// a stream is <c>data:</c> events ending in <c>data: [DONE]</c>, or in an error event when it did not complete.
/// Stateless: one instance serves every exchange.
/// </summary>
internal sealed class OpenAiAnswerWriter : IAnswerWriter
{
    public static readonly OpenAiAnswerWriter Instance = new();

    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    public Task WriteErrorAsync(HttpResponse response, ApiError error) => OpenAiErrors.WriteAsync(response, error);

    public async Task WriteAnswerAsync(HttpResponse response, int status, string body, CancellationToken aborted)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(body), aborted);
    }

    public async Task WriteChunkAsync(HttpResponse response, string chunk, CancellationToken aborted)
    {
        await response.Body.WriteAsync(DataPrefix, aborted);
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(chunk), aborted);
        await response.Body.WriteAsync(EventEnd, aborted);
        await response.Body.FlushAsync(aborted);
    }

    // OpenAI's stream has no keep-alive event; clients read silence as waiting.
    public Task WriteHeartbeatAsync(HttpResponse response, CancellationToken aborted) => Task.CompletedTask;

    public async Task EndStreamAsync(HttpResponse response, ApiError? error, CancellationToken aborted)
    {
        if (error is not null)
        {
            await response.Body.WriteAsync(DataPrefix, aborted);
            await response.Body.WriteAsync(OpenAiErrors.Envelope(error), aborted);
            await response.Body.WriteAsync(EventEnd, aborted);
        }
        else
        {
            await response.Body.WriteAsync(Done, aborted);
        }

        await response.Body.FlushAsync(aborted);
    }
}
