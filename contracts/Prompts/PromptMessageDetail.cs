namespace AiMesh.Contracts.Prompts;

/// <summary>One message of a version: a role and its Liquid template.</summary>
public sealed record PromptMessageDetail(string Role, string Content);
