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
internal sealed record KeyGrant(
    string KeyId,
    string Principal,
    string? Team,
    FrozenSet<string>? Models,
    DateTimeOffset? ExpiresAt = null,
    IReadOnlyList<IPNetwork>? Networks = null,
    string? Organization = null,
    bool LogBodies = false)
{
    public bool Allows(string model) => Models is null || Models.Contains(model);

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
