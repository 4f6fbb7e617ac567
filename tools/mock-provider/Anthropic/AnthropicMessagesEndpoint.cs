using System.Globalization;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Anthropic;

/// <summary>
/// <c>POST /v1/messages</c>, Anthropic's Messages API, whole or streamed, with the scenario's pacing and faults:
/// <c>cutAfter</c> and <c>stallAfter</c> as for chat completions (counting <c>content_block_delta</c> events), and
/// <c>errorAfter</c> ending the stream with Anthropic's in-stream <c>error</c> event. Requires <c>x-api-key</c> and
/// <c>anthropic-version</c>, as Anthropic does.
/// </summary>
internal static class AnthropicMessagesEndpoint
{
    public const string Path = "/v1/messages";

    public static async Task HandleAsync(MockExchange exchange, ReadOnlyMemory<byte> body)
    {
        if (await RejectedHeadersAsync(exchange))
        {
            return;
        }

        if (!AnthropicRequestReader.TryRead(body, out var request, out var error))
        {
            await AnthropicError.SendAsync(exchange, error!);
            return;
        }

        var number = exchange.State.NextCompletionNumber().ToString(CultureInfo.InvariantCulture);
        var cacheHit = request.CachePrefixKey is { } key && exchange.State.AnthropicPromptCache.Read(key);
        var answer = AnthropicAnswer.Plan("msg_mock_" + number, request, exchange.Scenario, cacheHit);
        exchange.Http.Response.Headers["request-id"] = "req_mock_" + number;
        if (request.Stream)
        {
            await AnthropicMessageStream.SendAsync(exchange, answer);
        }
        else
        {
            var json = MockJson.Render(answer, AnthropicMessageJson.WriteMessage);
            await exchange.SendJsonAsync(StatusCodes.Status200OK, json.WrittenMemory, injectFaults: true);
        }
    }

    /// <summary>Answers as Anthropic does a call without <c>x-api-key</c> (401) or <c>anthropic-version</c> (400).</summary>
    /// <returns>True when the call was answered so.</returns>
    public static async Task<bool> RejectedHeadersAsync(MockExchange exchange)
    {
        var headers = exchange.Http.Request.Headers;
        if (string.IsNullOrEmpty(headers["x-api-key"]))
        {
            await AnthropicError.SendAsync(exchange, new AnthropicError(StatusCodes.Status401Unauthorized, "authentication_error", "x-api-key header is required"));
            return true;
        }

        if (string.IsNullOrEmpty(headers["anthropic-version"]))
        {
            await AnthropicError.SendAsync(exchange, AnthropicError.BadRequest("anthropic-version: header is required"));
            return true;
        }

        return false;
    }
}
