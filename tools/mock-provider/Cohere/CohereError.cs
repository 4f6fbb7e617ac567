using System.Globalization;
using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Cohere;

/// <summary>
/// An error as Cohere's API reports it: <c>{"id","message"}</c> and no error code, with messages in Cohere's words
/// (its errors reference): 400 "invalid request: …", 401 "invalid api token", 429 "You are using a Trial key…",
/// 500, 503. A 429 or 503 carries <c>retry-after</c>.
/// </summary>
internal sealed record CohereError(int Status, string Message)
{
    public static CohereError BadRequest(string message) => new(StatusCodes.Status400BadRequest, message);

    public static CohereError ForStatus(int status) => status switch
    {
        400 => BadRequest("invalid request: mock scenario rejected the request."),
        401 => new(status, "invalid api token"),
        402 => new(status, "Please add a payment method to continue using the API."),
        404 => new(status, "model not found: mock scenario."),
        429 => new(status, "You are using a Trial key, which is limited to 20 API calls / minute. Mock scenario."),
        503 => new(status, "service unavailable: the model is overloaded, please try again later."),
        >= 500 => new(status, "internal server error, this has been reported to our developers. Mock scenario."),
        _ => new(status, "invalid request: mock scenario failed the request."),
    };

    public static Task SendAsync(MockExchange exchange, CohereError error)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(error);
        if (error.Status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
        {
            exchange.Http.Response.Headers.RetryAfter = exchange.Scenario.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        var id = "mock-error-" + (exchange.Record?.Id ?? exchange.State.NextCompletionNumber()).ToString(CultureInfo.InvariantCulture);
        var body = MockJson.Render((error, id), static (w, state) => Write(w, state.id, state.error.Message));
        return exchange.SendJsonAsync(error.Status, body.WrittenMemory, injectFaults: false);
    }

    private static void Write(Utf8JsonWriter w, string id, string message)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("message", message);
        w.WriteEndObject();
    }
}
