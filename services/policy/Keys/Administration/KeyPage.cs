namespace AiMesh.Policy.Keys.Administration;

/// <param name="NextAfter">Where the next page starts (its <see cref="KeyQuery.After"/>); null on the last page.</param>
internal sealed record KeyPage(IReadOnlyList<KeyView> Items, Guid? NextAfter);
