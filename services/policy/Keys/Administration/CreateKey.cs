namespace AiMesh.Policy.Keys.Administration;

/// <param name="Models">Public model names; <c>*</c> allows every model. With no groups either, the key may use none.</param>
/// <param name="AccessGroups">Names of access groups of the owner's organization.</param>
/// <param name="IpAllowlist">CIDR blocks or single addresses, IPv4 or IPv6; empty admits any address.</param>
/// <param name="LogBodies">Keep the key's request and answer bodies (redacted) with its usage; off by default.</param>
/// <param name="Regions">Data residency: the regions its requests may be served in (deployment region tags); empty or absent: any.</param>
internal sealed record CreateKey(
    KeyOwner Owner,
    IReadOnlyList<string>? Models = null,
    IReadOnlyList<string>? AccessGroups = null,
    DateTimeOffset? ExpiresAt = null,
    IReadOnlyList<string>? IpAllowlist = null,
    IReadOnlyDictionary<string, string>? Tags = null,
    bool LogBodies = false,
    IReadOnlyList<string>? Regions = null);
