using System.Text.Json;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>POST /admin/prompts/{name}/render</c>: the messages a request naming this prompt would get (a version, else a
/// label, else <c>production</c>, else the latest), nothing routed.
/// </summary>
internal sealed record PreviewPromptRequest(int? Version = null, string? Label = null, JsonElement? Variables = null);
