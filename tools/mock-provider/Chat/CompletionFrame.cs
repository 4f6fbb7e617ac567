namespace AiMesh.MockProvider.Chat;

/// <summary>What every object of one completion (the whole answer, or each chunk of a stream) repeats.</summary>
/// <param name="AzureFilters">
/// Azure OpenAI's answer: the content filter's annotations (<c>prompt_filter_results</c>, per choice
/// <c>content_filter_results</c>) and its opening prompt-filter chunk, as Azure adds them to OpenAI's shapes.
/// </param>
internal sealed record CompletionFrame(string Id, long Created, string Model, int Choices, int PromptTokens, int CompletionTokens, bool SendUsage, bool StreamUsage, bool AzureFilters = false)
{
    public const string Fingerprint = "fp_aimesh_mock";

    /// <summary>The frame of the answer <paramref name="reply"/> to <paramref name="request"/> under <paramref name="scenario"/>.</summary>
    public static CompletionFrame For(string id, ChatRequest request, Reply reply, Scenarios.Scenario scenario) => new(
        Id: id,
        Created: DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        Model: request.Model,
        Choices: request.Choices,
        PromptTokens: request.PromptTokens,
        CompletionTokens: reply.Pieces.Count * request.Choices,
        SendUsage: !scenario.NoUsage,
        StreamUsage: request.Stream && request.IncludeUsage && !scenario.NoUsage);
}
