namespace AiMesh.Policy.Admin;

/// <summary>One message of a version to publish: a role and its Liquid template.</summary>
internal sealed record PromptMessageRequest(string? Role, string? Content);
