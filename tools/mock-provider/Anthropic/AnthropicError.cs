using System.Globalization;
using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Anthropic;

/// <summary>
/// An error as Anthropic's API reports it: <c>{"type":"error","error":{"type","message"},"request_id"}</c>, with
/// the status Anthropic documents for the type (400 invalid_request_error, 401 authentication_error, 403
/// permission_error, 404 not_found_error, 413 request_too_large, 429 rate_limit_error, 500 api_error, 529
/// overloaded_error). The same object is the payload of an in-stream <c>error</c> event.
/// </summary>
internal sealed record AnthropicError(int Status, string Type, string Message)
{
    public const string InvalidRequest = "invalid_request_error";

    public static AnthropicError BadRequest(string message) => new(StatusCodes.Status400BadRequest, InvalidRequest, message);

    public static AnthropicError ForStatus(int status) => status switch
    {
        400 => BadRequest("Mock scenario: the request was rejected."),
        401 => new(status, "authentication_error", "Mock scenario: invalid x-api-key"),
        402 => new(status, "billing_error", "Mock scenario: your credit balance is too low."),
        403 => new(status, "permission_error", "Mock scenario: your API key does not have permission to use the specified resource."),
        404 => new(status, "not_found_error", "Mock scenario: model not found."),
        413 => new(status, "request_too_large", "Mock scenario: request exceeds the maximum allowed number of bytes."),
        429 => new(status, "rate_limit_error", "Mock scenario: this request would exceed your organization's rate limit."),
        503 or 529 => new(status, "overloaded_error", "Overloaded"),
        504 => new(status, "timeout_error", "Mock scenario: the request timed out."),
        >= 500 => new(status, "api_error", "Mock scenario: internal server error."),
        _ => new(status, InvalidRequest, "Mock scenario: the request failed."),
    };

    /// <summary>Sends the error as a whole answer; 429 and 529 carry <c>retry-after</c> as Anthropic's do.</summary>
    public static Task SendAsync(MockExchange exchange, AnthropicError error)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        ArgumentNullException.ThrowIfNull(error);
        if (error.Status is StatusCodes.Status429TooManyRequests or 529)
        {
            exchange.Http.Response.Headers.RetryAfter = exchange.Scenario.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        var requestId = RequestId(exchange);
        exchange.Http.Response.Headers["request-id"] = requestId;
        var body = MockJson.Render((error, requestId), static (w, state) => Write(w, state.error, state.requestId));
        return exchange.SendJsonAsync(error.Status, body.WrittenMemory, injectFaults: false);
    }

    public static void Write(Utf8JsonWriter w, AnthropicError error, string? requestId)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(error);
        w.WriteStartObject();
        w.WriteString("type", "error");
        w.WriteStartObject("error");
        w.WriteString("type", error.Type);
        w.WriteString("message", error.Message);
        w.WriteEndObject();
        if (requestId is not null)
        {
            w.WriteString("request_id", requestId);
        }

        w.WriteEndObject();
    }

    private static string RequestId(MockExchange exchange) =>
        "req_mock_" + (exchange.Record?.Id ?? exchange.State.NextCompletionNumber()).ToString(CultureInfo.InvariantCulture);
}
