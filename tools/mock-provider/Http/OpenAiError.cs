namespace AiMesh.MockProvider.Http;

/// <summary>An error as OpenAI's API reports it: HTTP status plus the <c>{"error":{...}}</c> envelope members.</summary>
internal sealed record OpenAiError(int Status, string Message, string Type, string? Param = null, string? Code = null)
{
    public const string InvalidRequest = "invalid_request_error";

    public static OpenAiError BadRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, InvalidRequest, param, code);

    public static OpenAiError UnparsableBody() => BadRequest(
        "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.");

    public static OpenAiError MissingParameter(string param) =>
        BadRequest($"Missing required parameter: '{param}'.", param, "missing_required_parameter");

    public static OpenAiError InvalidValue(string param, string message) =>
        BadRequest(message, param, "invalid_value");

    /// <summary>
    /// The body a real provider sends with <paramref name="status"/>, so clients and gateways classify it as they would in
    /// production; with a <paramref name="code"/> (the scenario's <c>errorCode</c>), the error that code names.
    /// </summary>
    public static OpenAiError ForStatus(int status, string? code = null) => code switch
    {
        null => Default(status),
        "context_length_exceeded" => new(status,
            "Mock scenario: This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.",
            InvalidRequest, "messages", code),
        "content_filter" => new(status,
            "Mock scenario: The response was filtered due to the prompt triggering the content management policy.", InvalidRequest, "prompt", code),
        _ => new(status, $"Mock scenario: the request failed ({code}).", status == 429 ? "requests" : status >= 500 ? "server_error" : InvalidRequest, null, code),
    };

    private static OpenAiError Default(int status) => status switch
    {
        400 => BadRequest("Mock scenario: the request was rejected."),
        401 => new(status, "Mock scenario: incorrect API key provided.", InvalidRequest, null, "invalid_api_key"),
        403 => new(status, "Mock scenario: access to this resource is forbidden.", InvalidRequest, null, "forbidden"),
        404 => new(status, "Mock scenario: the model does not exist or you do not have access to it.", InvalidRequest, "model", "model_not_found"),
        408 => new(status, "Mock scenario: the request timed out.", "timeout", null, "timeout"),
        429 => new(status, "Mock scenario: rate limit reached for requests.", "requests", null, "rate_limit_exceeded"),
        503 => new(status, "Mock scenario: the engine is currently overloaded, please try again later.", "server_error", null, null),
        504 => new(status, "Mock scenario: the upstream timed out.", "server_error", null, "timeout"),
        >= 500 => new(status, "Mock scenario: the server had an error while processing your request.", "server_error", null, null),
        _ => new(status, "Mock scenario: the request failed.", InvalidRequest, null, null),
    };
}
