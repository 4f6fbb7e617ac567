using AiMesh.MockProvider.Chat;

namespace AiMesh.MockProvider.Gemini;

/// <summary>A <c>generateContent</c> request as the mock plans its answer: the same <see cref="ChatRequest"/> the OpenAI route plans from, plus Google-only triggers.</summary>
/// <param name="Chat">What the reply depends on; <see cref="ReplyPlanner"/> plans it exactly as for OpenAI.</param>
/// <param name="Blocked">The last user text starts with <c>block:</c>: the prompt is blocked (<c>promptFeedback.blockReason</c>).</param>
/// <param name="FailWith">The last user text starts with <c>fail:</c>: a stream ends in an error event with this status (default UNAVAILABLE).</param>
/// <param name="TooLong">The last user text starts with <c>toolong:</c>: a 400 saying the input has too many tokens.</param>
/// <param name="ThoughtTokens">Reported as <c>thoughtsTokenCount</c> when a thinking budget is set.</param>
internal sealed record GeminiGenerateRequest(ChatRequest Chat, bool Blocked, string? FailWith, bool TooLong, int ThoughtTokens);
