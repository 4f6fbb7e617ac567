namespace AiMesh.Contracts.Prompts;

/// <summary>The answer to <see cref="ListPromptApiPage"/>: one page (disabled APIs included), and how many APIs there are in all.</summary>
[TransientMessage]
public sealed record PromptApiPageListed(Guid RequestId, IReadOnlyList<PromptApiDetail> Apis, int Total);
