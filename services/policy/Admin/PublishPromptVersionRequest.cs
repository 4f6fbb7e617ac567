using System.Text.Json;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>POST /admin/prompts/{name}/versions</c>: the next version, immutable once published; its author is the caller.
/// <paramref name="Parameters"/> (a JSON object) and <paramref name="VariablesSchema"/> (a JSON Schema object) are kept
/// as given.
/// </summary>
internal sealed record PublishPromptVersionRequest(
    IReadOnlyList<PromptMessageRequest>? Messages,
    IReadOnlyList<string>? Variables = null,
    JsonElement? VariablesSchema = null,
    string? Model = null,
    JsonElement? Parameters = null,
    string? Message = null);
