namespace AiMesh.Policy.Keys.Administration;

internal sealed record KeyPage(IReadOnlyList<KeyView> Items, int Offset, int Limit, int Total);
