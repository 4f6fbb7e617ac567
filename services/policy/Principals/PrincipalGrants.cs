using System.Collections.Frozen;
using AiMesh.Contracts.Policy;
using AiMesh.Policy.Keys;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Principals;

/// <summary>
/// Decides for a principal the ingress verified (<see cref="AuthorizeRequest.Principal"/>): its grant comes from
/// <see cref="JwtPolicyOptions"/>, its identity from the claims. Policy does not verify anything here: the bus is
/// inside the trust boundary and the ingress is the only verifier (docs/architecture.md, "Other ways in"), so the
/// claims are taken as the ingress sent them. The answer's principal is <c>user:&lt;subject&gt;</c> and its team the
/// claims' team, so usage is metered to them; its key id says how the caller was verified (<c>jwt</c>, <c>certificate</c>).
/// Its organization is null: no claim maps to an organization today (<see cref="VerifiedPrincipal"/> carries none, and
/// <see cref="JwtPolicyOptions.Organization"/> only says whose access groups the grants name), so such usage has no
/// org value and no per-organization limit or budget applies to it.
/// Access groups are read from the stored keys' cache at each decision, so a changed group applies at once.
/// </summary>
internal sealed class PrincipalGrants(IOptions<JwtPolicyOptions> options, StoredKeys stored)
{
    private readonly JwtPolicyOptions settings = options.Value;

    /// <returns>The grant, or null when it names access groups and the store is not loaded yet (policy cannot tell).</returns>
    public KeyGrant? GrantFor(VerifiedPrincipal principal)
    {
        var grants = new List<PrincipalGrant>();
        foreach (var role in principal.Roles ?? [])
        {
            if (settings.Roles.TryGetValue(role, out var granted))
            {
                grants.Add(granted);
            }
        }

        if (principal.Team is { } team && settings.Teams.TryGetValue(team, out var teamGrant))
        {
            grants.Add(teamGrant);
        }

        var models = new HashSet<string>(StringComparer.Ordinal);
        foreach (var grant in grants)
        {
            models.UnionWith(grant.Models);
            foreach (var group in grant.AccessGroups)
            {
                if (!stored.IsLoaded)
                {
                    return null;
                }

                if (settings.Organization is { } organization && stored.AccessGroup(organization, group) is { } groupModels)
                {
                    models.UnionWith(groupModels);
                }
            }
        }

        return new KeyGrant(
            principal.Method,
            "user:" + principal.Subject,
            principal.Team,
            models.Contains("*") ? null : models.ToFrozenSet(StringComparer.Ordinal));
    }
}
