namespace AiMesh.Policy.Keys.Administration;

/// <summary>Filters and a page for listing keys. Keys are listed oldest first.</summary>
internal sealed record KeyQuery(
    Guid? OrganizationId = null,
    KeyOwner? Owner = null,
    string? Status = null,
    string? DisplayPrefix = null,
    int Offset = 0,
    int Limit = 50)
{
    public const int MaxLimit = 500;
}
