namespace AiMesh.Contracts.Prompts;

/// <summary>
/// A prompt published as an API (issue 7): the ingress serves it at <c>POST /v1/prompts/{Name}/run</c> and, when set,
/// at <paramref name="Path"/>; the request body is the variables object, checked against the followed version's
/// variable schema.
/// </summary>
/// <param name="Name">The prompt's name, which is also the API's.</param>
/// <param name="Path">An extra path the ingress serves the API at (<c>/apis/…</c>), or null.</param>
/// <param name="Label">The label the API follows (its version moves with the label); null when it is pinned to <paramref name="Version"/>.</param>
/// <param name="Version">The version the API is pinned to; null when it follows <paramref name="Label"/>.</param>
/// <param name="Model">The model the API runs on; null: the followed version's preferred model.</param>
/// <param name="Output"><c>text</c> or <c>json</c> (the model's answer parsed, checked against <paramref name="OutputSchema"/>, repaired once).</param>
/// <param name="OutputSchema">The JSON Schema the output must satisfy in <c>json</c> mode (null: any JSON).</param>
/// <param name="RequestsPerMinute">The API's own rate limit, across every caller and replica; null: none.</param>
/// <param name="Enabled">False: the API answers 404 as if it were not published, and keeps its settings.</param>
/// <param name="CurrentVersion">The version the API runs now (the label's, or the pinned one), when listed for the ingress.</param>
/// <param name="CurrentModel">The model the API runs on now (<paramref name="Model"/>, else the current version's).</param>
/// <param name="InputSchema">The current version's variable schema, or one built from its variable names (each a required string).</param>
public sealed record PromptApiDetail(
    string Name,
    string? Path,
    string? Label,
    int? Version,
    string? Model,
    string Output,
    string? OutputSchema,
    int? RequestsPerMinute,
    bool Enabled,
    DateTimeOffset Updated,
    string UpdatedBy,
    int? CurrentVersion,
    string? CurrentModel,
    string? InputSchema);
