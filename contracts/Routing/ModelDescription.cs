namespace AiMesh.Contracts.Routing;

/// <param name="Api">The surfaces the model serves, e.g. <c>chat.completions</c>, <c>embeddings</c>.</param>
public sealed record ModelDescription(string Id, string OwnedBy, long Created, IReadOnlyList<string> Api);
