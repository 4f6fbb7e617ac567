namespace AiMesh.Ingress.Saga;

/// <summary>An OpenAI-shaped error: the only error text a client ever sees.</summary>
public sealed record AnswerError(string Type, string Code, string Message, string? Param, int? RetryAfterSeconds);
