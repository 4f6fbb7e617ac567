namespace AiMesh.Policy.Keys.Administration;

/// <summary>Filters and a page for listing keys. Keys are listed in id order, from just after <see cref="After"/>.</summary>
/// <param name="TeamId">Keys owned by the team or by one of its service accounts.</param>
/// <param name="Tag">A tag the key must carry with exactly this value.</param>
internal sealed record KeyQuery(
    Guid? OrganizationId = null,
    KeyOwner? Owner = null,
    string? Status = null,
    string? DisplayPrefix = null,
    Guid? After = null,
    int Limit = 50,
    Guid? TeamId = null,
    KeyValuePair<string, string>? Tag = null)
{
    public const int MaxLimit = 200;
}
