using System.Text.Json;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Bedrock;

/// <summary>
/// An error as AWS's JSON services answer it: the status, <c>{"message":…}</c>, and the type in the
/// <c>x-amzn-ErrorType</c> header with the suffix Bedrock adds. No <c>Retry-After</c>: AWS sends none, even on
/// throttling (its SDKs back off on their own), and the mock answers as AWS does.
/// </summary>
internal sealed record AwsError(int Status, string Type, string Message)
{
    public const string TypeHeader = "x-amzn-ErrorType";

    public static AwsError Validation(string message) => new(StatusCodes.Status400BadRequest, "ValidationException", message);

    /// <summary>The error Bedrock answers with this status, so gateways classify it as they would in production.</summary>
    public static AwsError ForStatus(int status) => status switch
    {
        400 => Validation("Mock scenario: the request was rejected."),
        401 => new(status, "UnrecognizedClientException", "The security token included in the request is invalid."),
        403 => new(status, "AccessDeniedException", "You don't have access to the model with the specified model ID."),
        404 => new(status, "ResourceNotFoundException", "Mock scenario: the model does not exist."),
        408 => new(status, "ModelTimeoutException", "Mock scenario: the model took too long to answer."),
        424 => new(status, "ModelErrorException", "Mock scenario: the model failed to process the request."),
        429 => new(status, "ThrottlingException", "Too many requests, please wait before trying again."),
        503 => new(status, "ServiceUnavailableException", "Mock scenario: the service is unavailable. Try again later."),
        >= 500 => new(status, "InternalServerException", "Mock scenario: the server encountered an internal error."),
        _ => new(status, "ValidationException", "Mock scenario: the request failed."),
    };

    public async Task SendAsync(MockExchange exchange)
    {
        ArgumentNullException.ThrowIfNull(exchange);
        var headers = exchange.Http.Response.Headers;
        headers[TypeHeader] = Type + ":http://internal.amazon.com/coral/com.amazon.bedrock/";
        var body = MockJson.Render(Message, static (w, message) =>
        {
            w.WriteStartObject();
            w.WriteString("message", message);
            w.WriteEndObject();
        });
        await exchange.SendJsonAsync(Status, body.WrittenMemory, injectFaults: false);
    }

    /// <summary>The payload of the matching exception event inside a stream (its type goes in a header).</summary>
    public static void WritePayload(Utf8JsonWriter w, string message)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartObject();
        w.WriteString("message", message);
        w.WriteEndObject();
    }
}
