using System.Globalization;
using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Mistral;

/// <summary>
/// An error as Mistral's API answers it: <c>{"object":"error","message","type","param","code"}</c>, the message an
/// object <c>{"detail":[{"type","loc","msg","input"}]}</c> for a body it could not validate (422), and from its gateway
/// <c>{"message":"Unauthorized","request_id"}</c> (401) or <c>{"message":"Requests rate limit exceeded"}</c> (429, with
/// <c>retry-after</c>). The same object ends a stream as a <c>data:</c> event when the model fails mid-answer.
/// </summary>
internal sealed record MistralError(int Status, string? Type, string Message, string? Code = null, string? ExtraField = null, bool Gateway = false)
{
    public static MistralError Unauthorized() => new(StatusCodes.Status401Unauthorized, null, "Unauthorized", Gateway: true);

    /// <summary>Mistral's answer to a member it does not define.</summary>
    public static MistralError ExtraInput(string field) => new(StatusCodes.Status422UnprocessableEntity, "invalid_request_error", "Extra inputs are not permitted", ExtraField: field);

    public static MistralError Invalid(string message) => new(StatusCodes.Status400BadRequest, "invalid_request_message_error", message, "3051");

    public static MistralError ContextLength() => Invalid(
        "Prompt contains 40321 tokens and 0 draft tokens, too large for model with 32768 maximum context length");

    public static MistralError ForStatus(int status) => status switch
    {
        400 => Invalid("Mock scenario: the request was rejected."),
        401 => Unauthorized(),
        403 => new(status, null, "Forbidden", Gateway: true),
        404 => new(status, "invalid_model", "Invalid model: mock-mistral-missing", "1500"),
        422 => ExtraInput("mock"),
        429 => new(status, null, "Requests rate limit exceeded", Gateway: true),
        503 => new(status, "service_unavailable", "Service unavailable.", "1000"),
        _ => new(status, "internal_server_error", "Internal server error", "1000"),
    };

    public Task SendAsync(MockExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        if (Status == StatusCodes.Status429TooManyRequests)
        {
            exchange.Http.Response.Headers.RetryAfter = exchange.Scenario.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }

        var body = MockJson.Render(this, static (w, e) => e.Write(w));
        return exchange.SendJsonAsync(Status, body.WrittenMemory, injectFaults: false);
    }

    public void Write(Utf8JsonWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        if (Gateway)
        {
            w.WriteString("message", Message);
            w.WriteString("request_id", "mock-request-id");
            w.WriteEndObject();
            return;
        }

        w.WriteString("object", "error");
        if (ExtraField is not null)
        {
            w.WriteStartObject("message");
            w.WriteStartArray("detail");
            w.WriteStartObject();
            w.WriteString("type", "extra_forbidden");
            w.WriteStartArray("loc");
            w.WriteStringValue("body");
            w.WriteStringValue(ExtraField);
            w.WriteEndArray();
            w.WriteString("msg", Message);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else
        {
            w.WriteString("message", Message);
        }

        MockJson.WriteNullableString(w, "type", Type);
        w.WriteNull("param");
        MockJson.WriteNullableString(w, "code", Code);
        w.WriteEndObject();
    }
}
