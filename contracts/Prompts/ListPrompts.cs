namespace AiMesh.Contracts.Prompts;

/// <summary>
/// Asks the prompts service for a page of stored prompts by name (of one organization when <paramref name="OrganizationId"/>
/// is set), answered by <see cref="PromptsListed"/> or <see cref="PromptRequestFailed"/> (queue <c>aimesh-prompts-admin</c>).
/// </summary>
[TransientMessage]
public sealed record ListPrompts(Guid RequestId, string? OrganizationId, int Offset, int Limit);
