using System.Collections.Frozen;
using AiMesh.Hosting.Jwt;
using AiMesh.Hosting.Security;
using AiMesh.Policy.Principals;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Admin;

/// <summary>
/// An operator's token from an identity provider (<c>Policy:Admin:Jwt</c>), checked by policy's own verifier: never
/// by a header the ingress could set, since policy's port is reachable on the internal network when distributed.
/// <list type="bullet">
/// <item>The user claim (default <c>email</c>) names a stored user, matched to users.email ignoring case, within
/// <see cref="AdminJwtOptions.Organization"/> when set. No such user (or two that differ only in case) is the 401 of an
/// unknown key: users are created through the admin API, never just in time from a token.</item>
/// <item>The actor's role is the stored user's, lowered (never raised) to the highest AiMesh role the token carries
/// when its issuer has a <see cref="JwtIssuerOptions.RoleClaim"/>: such a token carrying no AiMesh role has no
/// administration rights (403).</item>
/// <item>The actor's model ceiling is what <c>Policy:Jwt</c> grants (<see cref="PrincipalGrants"/>, the table that says
/// what a token's principal may use on the OpenAI surface) to the actor's role as lowered, and to the token's team: so a
/// role the token claims but the store does not back raises the ceiling no more than the role itself.</item>
/// </list>
/// Every refusal is the uniform 401 of a bad key and counts against the address (<see cref="FailedAttempts"/>);
/// identity-provider keys that are neither cached nor fetchable are 503. The reason is logged as a fixed word, never
/// the token or a claim.
/// </summary>
internal sealed class AdminTokenAuthentication(
    [FromKeyedServices(AdminJwtOptions.Section)] JwtVerifier verifier,
    IOptions<AdminJwtOptions> options,
    PrincipalGrants grants,
    IDbContextFactory<PolicyDbContext> databases,
    FailedAttempts failures,
    ILogger<AdminTokenAuthentication> logger)
{
    /// <summary>A user claim longer than any e-mail address is no user's (and is never sent to the database).</summary>
    private const int MaxUserLength = 320;

    public bool IsConfigured => verifier.IsConfigured;

    public async Task<AdminAuthenticationResult> AuthenticateAsync(string token, string? address, CancellationToken cancellationToken)
    {
        var verified = await verifier.VerifyAsync(token, cancellationToken);
        if (verified.Principal is not { } principal)
        {
            PolicyLog.AdminTokenRefused(logger, verified.Failure ?? "invalid");
            if (verified.Unavailable)
            {
                return AdminAuthenticationResult.Unavailable;
            }

            return Refuse(address);
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var user = await FindUserAsync(db, principal.Subject, cancellationToken);
        if (user is null)
        {
            PolicyLog.AdminTokenRefused(logger, "no_such_user");
            return Refuse(address);
        }

        var claimsRoles = verifier.IssuerOptions(principal.Issuer)?.RoleClaim is not null;
        var role = claimsRoles ? AdminRules.Lowered(user.Role, principal.Roles ?? []) : user.Role;
        if (role is null)
        {
            PolicyLog.AdminTokenRefused(logger, "no_admin_role");
            return AdminAuthenticationResult.NoAdminRights;
        }

        var grant = grants.GrantFor(principal with { Roles = [role] });
        if (grant is null)
        {
            return AdminAuthenticationResult.Unavailable;
        }

        var teams = await db.TeamMemberships.Where(m => m.UserId == user.Id).Select(m => m.TeamId).ToListAsync(cancellationToken);
        return new(new AdminActor(user.Id, user.OrganizationId, role, teams.ToFrozenSet(), grant.Models, address, grant.Regions), null);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1862", Justification = "A query: EF Core translates ToLower to the database's lower(); string.Equals with a comparison is not translated.")]
    private async Task<User?> FindUserAsync(PolicyDbContext db, string name, CancellationToken cancellationToken)
    {
        if (name.Length > MaxUserLength || name.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        // lower() on both sides in the database, so the two sides are folded by the same rules.
        var users = db.Users.Where(u => u.Email.ToLower() == name.ToLower());
        if (options.Value.Organization is { } organization)
        {
            users = users.Where(u => u.OrganizationId == organization);
        }

        var found = await users.Take(2).ToListAsync(cancellationToken);
        return found.Count == 1 ? found[0] : null;
    }

    private AdminAuthenticationResult Refuse(string? address)
    {
        failures.Failed(address);
        return AdminAuthenticationResult.Unauthenticated;
    }
}
