namespace AiMesh.Policy.Admin;

/// <summary>One page of a list. <see cref="NextCursor"/> is opaque; absent on the last page.</summary>
internal sealed record AdminPage<T>(IReadOnlyList<T> Items, string? NextCursor);
