using System.Text;
using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// The Anthropic surface's writer for one exchange: errors in Anthropic's shape (<see cref="AnthropicErrors"/>), the
/// whole answer as a <c>message</c> (<see cref="AnthropicMessageWriter"/>), the stream as Anthropic's named events
/// (<see cref="AnthropicStreamTranslator"/>, which holds this exchange's stream state) with a <c>ping</c> on every
/// heartbeat of the exchange. Answers name the model the client asked for, never the provider's name for it.
/// </summary>
/// <param name="clientHeaders">The client's allow-listed headers for the provider (<see cref="MessagesEndpoint"/>).</param>
internal sealed class AnthropicAnswerWriter(IReadOnlyDictionary<string, string>? clientHeaders = null) : IAnswerWriter
{
    private readonly AnthropicStreamTranslator _stream = new();
    private string? _model;

    /// <summary>
    /// The exchange's request check (<see cref="AnthropicRequestValidator"/>), remembering the client's model and
    /// adding the client's headers for the provider.
    /// </summary>
    public (ValidatedRequest? Request, ApiError? Error) Validate(byte[] body, int maxDepth)
    {
        var (request, error) = AnthropicRequestValidator.Validate(body, maxDepth);
        _model = request?.Model;
        _stream.Model = _model;
        return (request is null ? null : request with { ClientHeaders = clientHeaders }, error);
    }

    public Task WriteErrorAsync(HttpResponse response, ApiError error) => AnthropicErrors.WriteAsync(response, error);

    public async Task WriteAnswerAsync(HttpResponse response, int status, string body, CancellationToken aborted)
    {
        if (AnthropicMessageWriter.Translate(body, _model) is not { } message)
        {
            await AnthropicErrors.WriteAsync(response, new ApiError(502, "api_error", "answer_untranslatable",
                "The model's answer cannot be expressed as an Anthropic message (its tool call arguments are not a JSON object)."));
            return;
        }

        AnthropicErrors.RequestId(response);
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.Body.WriteAsync(message, aborted);
    }

    public Task WriteChunkAsync(HttpResponse response, string chunk, CancellationToken aborted) =>
        WriteAsync(response, _stream.Translate(chunk), aborted);

    public Task WriteHeartbeatAsync(HttpResponse response, CancellationToken aborted) =>
        _stream.Ended ? Task.CompletedTask : WriteAsync(response, [AnthropicStreamTranslator.Ping], aborted);

    public Task EndStreamAsync(HttpResponse response, ApiError? error, CancellationToken aborted) =>
        WriteAsync(response, _stream.End(error), aborted);

    private static async Task WriteAsync(HttpResponse response, IReadOnlyList<AnthropicEvent> events, CancellationToken aborted)
    {
        if (events.Count == 0)
        {
            return;
        }

        foreach (var item in events)
        {
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(item.ToString()), aborted);
        }

        await response.Body.FlushAsync(aborted);
    }
}
