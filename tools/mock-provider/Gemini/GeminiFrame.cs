namespace AiMesh.MockProvider.Gemini;

/// <summary>What every <c>GenerateContentResponse</c> of one answer (whole, or each event of a stream) repeats.</summary>
/// <param name="CompletionTokens">Reply tokens over all candidates.</param>
/// <param name="ThoughtTokens">Reported as <c>thoughtsTokenCount</c>, 0 to leave it out.</param>
internal sealed record GeminiFrame(string ResponseId, string Model, int Candidates, int PromptTokens, int CompletionTokens, int ThoughtTokens, bool SendUsage)
{
    /// <summary>What the mock's function calls carry as <c>thoughtSignature</c>, as Gemini 3 models do ("mock-thought-signature" in base64).</summary>
    public const string ThoughtSignature = "bW9jay10aG91Z2h0LXNpZ25hdHVyZQ==";
}
