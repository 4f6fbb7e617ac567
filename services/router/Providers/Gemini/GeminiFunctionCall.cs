namespace AiMesh.Router.Providers.Gemini;

/// <summary>One <c>functionCall</c> part: the name, the arguments as JSON text, and the thought signature beside it, if any.</summary>
internal sealed record GeminiFunctionCall(string Name, string Arguments, string? ThoughtSignature);
