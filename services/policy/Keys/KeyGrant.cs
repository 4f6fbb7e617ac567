using System.Collections.Frozen;
using System.Net;

namespace AiMesh.Policy.Keys;

/// <summary>What a key may do, as the decision path reads it from memory.</summary>
/// <param name="Models">Allowed public model names (access groups already folded in); null allows every model.</param>
/// <param name="ExpiresAt">After this instant the key is refused like an unknown one; null never expires.</param>
/// <param name="Networks">Client networks the key may be used from; null or empty admits any address.</param>
/// <param name="Organization">The organization owning a stored key (null for configured keys and verified principals),
/// for per-organization limits and budgets, and metered with the request (<c>RequestAuthorized.OrganizationId</c>).</param>
/// <param name="LogBodies">The key or its team has body logging on (<c>RequestAuthorized.LogBodies</c>).</param>
/// <param name="KeyTags">The key's tags, for the router's rules; null when none.</param>
/// <param name="TeamTags">The key's team's tags, for the router's rules; null when none.</param>
/// <param name="Regions">Data residency: the regions the key's requests may be served in (the key's ∩ its team's when
/// both set any); null: no restriction.</param>
internal sealed record KeyGrant(
    string KeyId,
    string Principal,
    string? Team,
    FrozenSet<string>? Models,
    DateTimeOffset? ExpiresAt = null,
    IReadOnlyList<IPNetwork>? Networks = null,
    string? Organization = null,
    bool LogBodies = false,
    IReadOnlyDictionary<string, string>? KeyTags = null,
    IReadOnlyDictionary<string, string>? TeamTags = null,
    IReadOnlyList<string>? Regions = null)
{
    public bool Allows(string model) => Models is null || Models.Contains(model);

    /// <summary>
    /// The regions a key may be served in, from its own list and its team's (each empty: no restriction): one set, that
    /// one; both, the regions both allow (possibly none, and then no deployment serves the key). Lower case, each once.
    /// </summary>
    public static IReadOnlyList<string>? EffectiveRegions(IReadOnlyList<string>? key, IReadOnlyList<string>? team)
    {
        static string[]? Set(IReadOnlyList<string>? regions) =>
            regions is { Count: > 0 } ? [.. regions.Select(r => r.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)] : null;

        var (own, teams) = (Set(key), Set(team));
        return own is null ? teams : teams is null ? own : [.. own.Intersect(teams, StringComparer.Ordinal)];
    }

    /// <summary>Whether the key may be used now from this address. A missing or unreadable address admits only a key without an allowlist.</summary>
    public bool Admits(DateTimeOffset now, string? clientAddress)
    {
        if (ExpiresAt is { } expiry && now >= expiry)
        {
            return false;
        }

        if (Networks is null || Networks.Count == 0)
        {
            return true;
        }

        if (!IPAddress.TryParse(clientAddress, out var address))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in Networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
