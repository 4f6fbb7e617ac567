using System.Text.Json;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>PUT /admin/prompts/{name}/api</c>: publishes the prompt as an API, or replaces how it is published. It follows
/// <paramref name="Label"/> (default <c>production</c>) or is pinned to <paramref name="Version"/>; <paramref name="Output"/>
/// is <c>text</c> (default) or <c>json</c>, with an optional <paramref name="OutputSchema"/> (a JSON Schema object);
/// <paramref name="Path"/> adds a path of its own (<c>/apis/…</c>); <paramref name="Enabled"/> defaults to true.
/// </summary>
internal sealed record SetPromptApiRequest(
    string? Path = null,
    string? Label = null,
    int? Version = null,
    string? Model = null,
    string? Output = null,
    JsonElement? OutputSchema = null,
    int? RequestsPerMinute = null,
    bool? Enabled = null);
