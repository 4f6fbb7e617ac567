namespace AiMesh.Prompts.Store;

internal sealed record PromptMessage(string Role, string Content);
