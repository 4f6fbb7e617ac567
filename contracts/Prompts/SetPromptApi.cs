namespace AiMesh.Contracts.Prompts;

/// <summary>
/// Publishes a prompt as an API, or changes how it is published (one API per prompt); answered by
/// <see cref="PromptApiFound"/> or <see cref="PromptRequestFailed"/> (400 naming every fault, 404 for an unknown
/// prompt, label or version, 409 when <paramref name="Path"/> belongs to another API).
/// </summary>
[TransientMessage]
public sealed record SetPromptApi(
    Guid RequestId,
    string Name,
    string? Path,
    string? Label,
    int? Version,
    string? Model,
    string Output,
    string? OutputSchema,
    int? RequestsPerMinute,
    bool Enabled,
    string UpdatedBy);
