using System.Globalization;
using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Azure;

/// <summary>
/// An error as Azure OpenAI answers it: OpenAI's <c>{"error":{…}}</c> envelope with Azure's codes, which are often the
/// status as a string (<c>"429"</c>, <c>"401"</c>) or a name (<c>DeploymentNotFound</c>), and for a prompt its content
/// filter refused <c>code: content_filter</c> with <c>innererror: {code: ResponsibleAIPolicyViolation,
/// content_filter_result}</c>. A 429 carries <c>retry-after</c> and <c>retry-after-ms</c>.
/// </summary>
internal sealed record AzureError(int Status, string Code, string Message, string? Param = null, string? Type = null, bool PolicyViolation = false)
{
    public static AzureError Unauthorized() => new(StatusCodes.Status401Unauthorized, "401",
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");

    public static AzureError ResourceNotFound() => new(StatusCodes.Status404NotFound, "404", "Resource not found");

    public static AzureError ContentFiltered() => new(StatusCodes.Status400BadRequest, "content_filter",
        "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
        "prompt", null, PolicyViolation: true);

    public static AzureError ContextLengthExceeded() => new(StatusCodes.Status400BadRequest, "context_length_exceeded",
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.",
        "messages", "invalid_request_error");

    public static AzureError FromOpenAi(OpenAiError error) => new(error.Status, error.Code ?? "BadRequest", error.Message, error.Param, error.Type);

    public static AzureError ForStatus(int status) => status switch
    {
        400 => new(status, "BadRequest", "Mock scenario: the request was rejected.", Type: "invalid_request_error"),
        401 => Unauthorized(),
        403 => new(status, "403", "Mock scenario: the principal does not have access to this deployment."),
        404 => new(status, "DeploymentNotFound", "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again."),
        429 => new(status, "429", "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 2 seconds."),
        503 => new(status, "ServiceUnavailable", "The service is temporarily unable to process your request. Please try again later."),
        _ => new(status, status.ToString(CultureInfo.InvariantCulture), "Mock scenario: the server had an error while processing your request.", Type: "server_error"),
    };

    public Task SendAsync(MockExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        if (Status == StatusCodes.Status429TooManyRequests)
        {
            var seconds = exchange.Scenario.RetryAfterSeconds;
            exchange.Http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            exchange.Http.Response.Headers["retry-after-ms"] = (seconds * 1000).ToString(CultureInfo.InvariantCulture);
        }

        var body = MockJson.Render(this, static (w, e) => e.Write(w));
        return exchange.SendJsonAsync(Status, body.WrittenMemory, injectFaults: false);
    }

    private void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("code", Code);
        w.WriteString("message", Message);
        MockJson.WriteNullableString(w, "param", Param);
        MockJson.WriteNullableString(w, "type", Type);
        if (PolicyViolation)
        {
            w.WriteNumber("status", Status);
            w.WriteStartObject("innererror");
            w.WriteString("code", "ResponsibleAIPolicyViolation");
            AzureFilterJson.WriteBlockedResult(w);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }
}
