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
/// </summary>
internal sealed class PrincipalGrants(IOptions<JwtPolicyOptions> options)
{
    private readonly JwtPolicyOptions settings = options.Value;

    public KeyGrant GrantFor(VerifiedPrincipal principal)
    {
        var models = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in principal.Roles ?? [])
        {
            if (settings.Roles.TryGetValue(role, out var granted))
            {
                models.UnionWith(granted);
            }
        }

        if (principal.Team is { } team && settings.Teams.TryGetValue(team, out var teamModels))
        {
            models.UnionWith(teamModels);
        }

        return new KeyGrant(
            principal.Method,
            "user:" + principal.Subject,
            principal.Team,
            models.Contains("*") ? null : models.ToFrozenSet(StringComparer.Ordinal));
    }
}
