namespace AiMesh.MockProvider.Chat;

/// <summary>What every object of one completion (the whole answer, or each chunk of a stream) repeats.</summary>
internal sealed record CompletionFrame(string Id, long Created, string Model, int Choices, int PromptTokens, int CompletionTokens, bool SendUsage, bool StreamUsage)
{
    public const string Fingerprint = "fp_aimesh_mock";
}
