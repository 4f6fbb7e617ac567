namespace AiMesh.MockProvider.Chat;

/// <summary>What every object of one completion (the whole answer, or each chunk of a stream) repeats.</summary>
/// <param name="AzureFilters">
/// Azure OpenAI's answer: the content filter's annotations (<c>prompt_filter_results</c>, per choice
/// <c>content_filter_results</c>) and its opening prompt-filter chunk, as Azure adds them to OpenAI's shapes.
/// </param>
internal sealed record CompletionFrame(string Id, long Created, string Model, int Choices, int PromptTokens, int CompletionTokens, bool SendUsage, bool StreamUsage, bool AzureFilters = false)
{
    public const string Fingerprint = "fp_aimesh_mock";
}
