using AiMesh.Policy.Store;

namespace AiMesh.Policy.Keys.Administration;

/// <summary>A key as administration shows it: never the secret, never the hash.</summary>
internal sealed record KeyView(
    Guid Id,
    string DisplayPrefix,
    Guid OrganizationId,
    KeyOwner Owner,
    IReadOnlyList<string> Models,
    IReadOnlyList<string> AccessGroups,
    IReadOnlyList<string> IpAllowlist,
    IReadOnlyDictionary<string, string> Tags,
    DateTimeOffset? ExpiresAt,
    string Status,
    DateTimeOffset? RevokedAt,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    Guid? RotatedFrom,
    bool LogBodies,
    IReadOnlyList<string> Regions)
{
    public static KeyView Of(VirtualKey key) => new(
        key.Id,
        key.DisplayPrefix,
        key.OrganizationId,
        new KeyOwner(key.OwnerUserId, key.OwnerTeamId, key.OwnerServiceAccountId),
        key.Models,
        key.AccessGroups,
        key.IpAllowlist,
        key.Tags,
        key.ExpiresAt,
        key.Status,
        key.RevokedAt,
        key.CreatedAt,
        key.CreatedBy,
        key.RotatedFrom,
        key.LogBodies,
        key.Regions);
}
