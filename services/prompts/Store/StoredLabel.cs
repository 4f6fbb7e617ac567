namespace AiMesh.Prompts.Store;

internal sealed record StoredLabel(string Name, int Version, DateTimeOffset MovedAt, string MovedBy);
