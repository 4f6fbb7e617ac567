using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Bedrock;

/// <summary>
/// The Bedrock runtime API under its real paths: <c>/model/{modelId}/converse</c>, <c>/converse-stream</c> and
/// <c>/invoke</c>. Every request must carry a SigV4 signature made with the mock's AWS test credentials; errors
/// (the scenario's too) answer in AWS's shape.
/// </summary>
internal static class BedrockRoutes
{
    public const string Prefix = "/model/";

    public static bool Matches(string path) => path.StartsWith(Prefix, StringComparison.Ordinal);

    /// <returns>True when the request was refused (already answered) for its signature.</returns>
    public static async Task<bool> RejectUnsignedAsync(MockExchange exchange, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var error = SigV4Verifier.Check(exchange.Http, body.Span, exchange.State.Options, DateTimeOffset.UtcNow);
        if (error is null)
        {
            return false;
        }

        await error.SendAsync(exchange);
        return true;
    }

    public static async Task HandleAsync(MockExchange exchange, string path, ReadOnlyMemory<byte> body)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.LastIndexOf('/');
        var modelId = slash > Prefix.Length ? path[Prefix.Length..slash] : "";
        var action = path[(slash + 1)..];
        if (!HttpMethods.IsPost(exchange.Http.Request.Method) || modelId.Length == 0)
        {
            await new AwsError(StatusCodes.Status404NotFound, "UnknownOperationException", $"Unknown operation ({exchange.Http.Request.Method} {path}).").SendAsync(exchange);
            return;
        }

        switch (action)
        {
            case "converse":
                await ConverseEndpoint.HandleAsync(exchange, body, modelId, stream: false);
                break;
            case "converse-stream":
                await ConverseEndpoint.HandleAsync(exchange, body, modelId, stream: true);
                break;
            case "invoke":
                await InvokeEndpoint.HandleAsync(exchange, body, modelId);
                break;
            default:
                await new AwsError(StatusCodes.Status404NotFound, "UnknownOperationException", $"Unknown operation ({path}).").SendAsync(exchange);
                break;
        }
    }
}
