namespace AiMesh.Policy.Keys.Administration;

/// <summary>A change to a key's grant; a null member is left as it is.</summary>
/// <param name="RemoveExpiry">Makes the key never expire (<see cref="ExpiresAt"/> must then be null).</param>
/// <param name="LogBodies">Switches body logging for the key on or off.</param>
/// <param name="Regions">Replaces the key's data-residency regions; an empty list lifts the restriction.</param>
internal sealed record UpdateKey(
    IReadOnlyList<string>? Models = null,
    IReadOnlyList<string>? AccessGroups = null,
    DateTimeOffset? ExpiresAt = null,
    bool RemoveExpiry = false,
    IReadOnlyList<string>? IpAllowlist = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    bool? LogBodies = null,
    IReadOnlyList<string>? Regions = null);
