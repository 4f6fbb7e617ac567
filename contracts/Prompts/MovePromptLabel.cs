namespace AiMesh.Contracts.Prompts;

/// <summary>
/// Points a label at a version (created if new), or with <paramref name="Rollback"/> moves it back to the version it
/// pointed at before (<paramref name="Version"/> unused). With <paramref name="ExpectedVersion"/> the move happens
/// only if the label points there now (0: only if it does not exist), else 409. Answered by
/// <see cref="PromptLabelMoved"/> or <see cref="PromptRequestFailed"/>.
/// </summary>
[TransientMessage]
public sealed record MovePromptLabel(Guid RequestId, string Name, string Label, int? Version, int? ExpectedVersion, bool Rollback, string MovedBy);
