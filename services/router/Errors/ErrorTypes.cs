namespace AiMesh.Router.Errors;

/// <summary>OpenAI error <c>type</c> values the router answers with.</summary>
internal static class ErrorTypes
{
    public const string InvalidRequest = "invalid_request_error";
    public const string RateLimit = "rate_limit_error";
    public const string Api = "api_error";
}
