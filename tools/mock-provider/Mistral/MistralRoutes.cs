using AiMesh.MockProvider.Embeddings;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Mistral;

/// <summary>
/// Mistral's API (<c>https://api.mistral.ai/v1</c>), served under <c>/mistral/v1/</c>: its paths are OpenAI's
/// (<c>/v1/chat/completions</c>, <c>/v1/embeddings</c>), so the mock gives it a root of its own; a deployment's
/// <c>BaseUrl</c> is <c>{mock}/mistral/v1</c>. Requires <c>Authorization: Bearer</c> (else 401 "Unauthorized"); the
/// scenario's status answers with Mistral's error bodies.
/// </summary>
internal static class MistralRoutes
{
    public const string Prefix = "/mistral/";
    public const string ChatPath = "/mistral/v1/chat/completions";
    public const string EmbeddingsPath = "/mistral/v1/embeddings";

    public static bool Matches(string path) => path.StartsWith(Prefix, StringComparison.Ordinal);

    public static async Task HandleAsync(MockExchange exchange, string path, ReadOnlyMemory<byte> body)
    {
        var scenario = exchange.Scenario;
        if (exchange.State.Counters.ShouldFail(scenario))
        {
            await MistralError.ForStatus(scenario.Status!.Value).SendAsync(exchange);
            return;
        }

        if (!exchange.Http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            await MistralError.Unauthorized().SendAsync(exchange);
            return;
        }

        var post = HttpMethods.IsPost(exchange.Http.Request.Method);
        if (post && path == ChatPath)
        {
            await MistralChat.HandleAsync(exchange, body);
        }
        else if (post && path == EmbeddingsPath)
        {
            if (MistralRequestReader.TryRead(body, MistralRequestReader.EmbeddingMembers, out var refused) is { } openAiBody)
            {
                await EmbeddingsEndpoint.HandleAsync(exchange, openAiBody);
            }
            else
            {
                await refused!.SendAsync(exchange);
            }
        }
        else
        {
            await new MistralError(StatusCodes.Status404NotFound, null, "Not Found", Gateway: true).SendAsync(exchange);
        }
    }
}
