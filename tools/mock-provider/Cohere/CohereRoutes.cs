using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Cohere;

/// <summary>
/// Cohere's v2 API under its real paths (<c>/v2/chat</c>, <c>/v2/embed</c>), every error in Cohere's shape. A request
/// needs <c>Authorization: Bearer &lt;key&gt;</c> (missing: 401 "no api key supplied"; the key <c>bad-key</c>: 401
/// "invalid api token", as Cohere answers).
/// </summary>
internal static class CohereRoutes
{
    public const string ChatPath = "/v2/chat";
    public const string EmbedPath = "/v2/embed";

    public static bool Matches(string path) => path is ChatPath or EmbedPath;

    public static async Task HandleAsync(MockExchange exchange, string path, ReadOnlyMemory<byte> body)
    {
        if (!HttpMethods.IsPost(exchange.Http.Request.Method))
        {
            await CohereError.SendAsync(exchange, new CohereError(StatusCodes.Status404NotFound, "not found: use POST."));
            return;
        }

        var authorization = exchange.Http.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length == "Bearer ".Length)
        {
            await CohereError.SendAsync(exchange, new CohereError(StatusCodes.Status401Unauthorized, "no api key supplied"));
            return;
        }

        if (authorization == "Bearer bad-key")
        {
            await CohereError.SendAsync(exchange, new CohereError(StatusCodes.Status401Unauthorized, "invalid api token"));
            return;
        }

        await (path == ChatPath ? CohereChatEndpoint.HandleAsync(exchange, body) : CohereEmbedEndpoint.HandleAsync(exchange, body));
    }
}
