using System.Text;
using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Anthropic;

/// <summary>
/// <c>POST /v1/messages/count_tokens</c>, Anthropic's token count: <c>{"input_tokens": n}</c>, where n is the number
/// of words in every <c>text</c> (and string content) of <c>system</c> and <c>messages</c>, plus 10 per tool — a
/// deterministic count a test can predict. Requires <c>x-api-key</c> and <c>anthropic-version</c>, and refuses what
/// Anthropic's count refuses: members other than the input (<c>max_tokens</c>, <c>stream</c>, sampling) and a
/// missing <c>model</c> or <c>messages</c>.
/// </summary>
internal static class AnthropicCountTokensEndpoint
{
    public const string Path = "/v1/messages/count_tokens";

    private static readonly HashSet<string> Allowed = ["model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers", "context_management"];

    public static async Task HandleAsync(MockExchange exchange, ReadOnlyMemory<byte> body)
    {
        if (await AnthropicMessagesEndpoint.RejectedHeadersAsync(exchange))
        {
            return;
        }

        long count;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out _) || !root.TryGetProperty("messages", out var messages))
            {
                await AnthropicError.SendAsync(exchange, AnthropicError.BadRequest("model and messages: Field required"));
                return;
            }

            if (root.EnumerateObject().Select(m => m.Name).FirstOrDefault(name => !Allowed.Contains(name)) is { } extra)
            {
                await AnthropicError.SendAsync(exchange, AnthropicError.BadRequest($"{extra}: Extra inputs are not permitted"));
                return;
            }

            count = Words(root.TryGetProperty("system", out var system) ? system : default) + Words(messages)
                + (root.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array ? 10 * tools.GetArrayLength() : 0);
        }
        catch (JsonException)
        {
            await AnthropicError.SendAsync(exchange, AnthropicError.BadRequest("The request body is not valid JSON."));
            return;
        }

        await exchange.SendJsonAsync(StatusCodes.Status200OK, Encoding.UTF8.GetBytes($$"""{"input_tokens":{{count}}}"""), injectFaults: false);
    }

    private static long Words(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length,
        JsonValueKind.Array => element.EnumerateArray().Sum(Words),
        JsonValueKind.Object => element.EnumerateObject().Where(m => m.Name is "text" or "content").Sum(m => Words(m.Value)),
        _ => 0,
    };
}
