namespace AiMesh.Ingress.OpenAi;

/// <summary>A failure to answer with OpenAI's error envelope.</summary>
internal sealed record ApiError(int Status, string Type, string? Code, string Message, string? Param = null, int? RetryAfterSeconds = null)
{
    public static ApiError Invalid(string message, string? param, string code = "invalid_value") =>
        new(400, "invalid_request_error", code, message, param);

    public static ApiError Unavailable(string code) =>
        new(503, "api_error", code, "The gateway cannot take requests right now; try again shortly.", null, 1);
}
