namespace AiMesh.Prompts.Registry;

/// <summary>
/// A stored prompt changed (created, a version published, a label moved): every prompts replica reads it again.
/// Private to the prompts service (not in contracts/): only its replicas publish and consume it, as policy's
/// <c>KeyChanged</c>. It names the prompt only; each replica reads the rest from the store.
/// </summary>
public sealed record PromptChanged(string Name);
