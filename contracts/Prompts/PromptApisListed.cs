namespace AiMesh.Contracts.Prompts;

/// <summary>The answer to <see cref="ListPromptApis"/>: every published API, disabled ones included.</summary>
[TransientMessage]
public sealed record PromptApisListed(Guid RequestId, IReadOnlyList<PromptApiDetail> Apis);
