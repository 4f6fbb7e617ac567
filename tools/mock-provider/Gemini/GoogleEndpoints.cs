using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Gemini;

/// <summary>
/// Everything on Google's paths, after the scenario's latency: the token endpoint, then for the model methods the
/// scenario's status fault (with Google's error body; a 429 says when to retry in a <c>RetryInfo</c> detail, as
/// Google does, not in a header), the credentials, and the method itself.
/// <list type="bullet">
/// <item>Gemini API: an <c>x-goog-api-key</c> header is required (a missing one is 403 PERMISSION_DENIED, the key
/// <c>bad-key</c> is 400 API_KEY_INVALID as Google answers it); a <c>key</c> in the query is refused outright, since
/// a gateway must not put keys in URLs.</item>
/// <item>Vertex AI: a bearer token this mock's token endpoint issued, else 401 UNAUTHENTICATED.</item>
/// </list>
/// </summary>
internal static class GoogleEndpoints
{
    public const string BadKey = "bad-key";

    public static async Task HandleAsync(MockExchange exchange, GoogleRoute route, ReadOnlyMemory<byte> body)
    {
        if (route.Method == GoogleMethod.Token)
        {
            await GoogleTokenEndpoint.HandleAsync(exchange, body);
            return;
        }

        var scenario = exchange.Scenario;
        if (exchange.State.Counters.ShouldFail(scenario))
        {
            await SendErrorAsync(exchange, GoogleError.ForStatus(scenario.Status!.Value, scenario.RetryAfterSeconds));
            return;
        }

        if (Refuse(exchange, route) is { } refused)
        {
            await SendErrorAsync(exchange, refused);
            return;
        }

        switch (route.Method)
        {
            case GoogleMethod.GenerateContent or GoogleMethod.StreamGenerateContent:
                await GeminiGenerate.HandleAsync(exchange, route, body);
                break;
            case GoogleMethod.BatchEmbedContents or GoogleMethod.EmbedContent when !route.Vertex:
            case GoogleMethod.Predict when route.Vertex:
                await GoogleEmbeddings.HandleAsync(exchange, route, body);
                break;
            default:
                await SendErrorAsync(exchange, new GoogleError(StatusCodes.Status404NotFound, "NOT_FOUND", $"The method of {exchange.Http.Request.Path} is not found."));
                break;
        }
    }

    public static async Task SendErrorAsync(MockExchange exchange, GoogleError error)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(error);
        var json = MockJson.Render(error, static (w, e) => e.Write(w));
        await exchange.SendJsonAsync(error.Status, json.WrittenMemory, injectFaults: false);
    }

    private static GoogleError? Refuse(MockExchange exchange, GoogleRoute route)
    {
        var request = exchange.Http.Request;
        if (route.Vertex)
        {
            var authorization = request.Headers.Authorization.ToString();
            return authorization.StartsWith("Bearer ", StringComparison.Ordinal)
                && exchange.State.Google.IsValid(authorization["Bearer ".Length..], DateTimeOffset.UtcNow)
                ? null
                : new GoogleError(StatusCodes.Status401Unauthorized, "UNAUTHENTICATED",
                    "Request had invalid authentication credentials. Expected OAuth 2 access token.", "ACCESS_TOKEN_TYPE_UNSUPPORTED");
        }

        if (request.Query.ContainsKey("key"))
        {
            return GoogleError.InvalidArgument("Mock: the API key was sent in the URL; send it in the x-goog-api-key header.");
        }

        var key = request.Headers["x-goog-api-key"].ToString();
        if (key.Length == 0)
        {
            return new GoogleError(StatusCodes.Status403Forbidden, "PERMISSION_DENIED",
                "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
        }

        return key == BadKey
            ? new GoogleError(StatusCodes.Status400BadRequest, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", "API_KEY_INVALID")
            : null;
    }
}
