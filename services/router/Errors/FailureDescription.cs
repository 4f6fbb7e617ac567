namespace AiMesh.Router.Errors;

/// <summary>The OpenAI-shaped error a failure becomes, before it is addressed to a request.</summary>
internal sealed record FailureDescription(int Status, string Type, string Code, string Message, string Outcome, string? Param = null, int? RetryAfterSeconds = null);
