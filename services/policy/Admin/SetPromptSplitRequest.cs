using AiMesh.Contracts.Prompts;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>PUT /admin/prompts/{name}/labels/{label}/split</c>: split the label's requests between <paramref name="Versions"/>
/// by percent (summing to 100), sticky per user.
/// </summary>
internal sealed record SetPromptSplitRequest(IReadOnlyList<PromptSplitShare>? Versions);
