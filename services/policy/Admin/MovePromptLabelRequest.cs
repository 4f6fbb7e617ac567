namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>PUT /admin/prompts/{name}/labels/{label}</c>: point the label at <paramref name="Version"/>. With
/// <paramref name="ExpectedVersion"/> only if it points there now (0: only if the label is new), else 409.
/// </summary>
internal sealed record MovePromptLabelRequest(int? Version, int? ExpectedVersion = null);
