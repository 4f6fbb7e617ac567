using System.Collections.Frozen;
using AiMesh.Hosting.Security;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// Turns an admin request's credential into an <see cref="AdminActor"/>: the key from memory (the same cache the
/// request path decides from, so a revoked or expired key fails here exactly as there), then its owner's user row.
/// Missing, unknown, revoked, disabled and expired keys, a key used from outside its allowlist and a key whose user
/// is gone all get the same 401. A valid key that is not a user's (a team's, a service account's, a configured
/// key) has no admin rights: 403. With identity providers configured (<c>Policy:Admin:Jwt</c>), a credential shaped
/// like a JWT is a token instead, checked by <see cref="AdminTokenAuthentication"/>, with the same answers.
/// </summary>
internal sealed class AdminAuthentication(
    AdminTokenAuthentication tokens,
    KeyRing configured,
    StoredKeys stored,
    IDbContextFactory<PolicyDbContext> databases,
    AdminClientAddress addresses,
    FailedAttempts failures,
    TimeProvider time)
{
    private const string UserPrincipal = "user:";

    public async Task<AdminAuthenticationResult> AuthenticateAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var address = addresses.Of(http);
        if (failures.HeldFor(address) is { } retryAfter)
        {
            return AdminAuthenticationResult.Held(retryAfter);
        }

        if (AdminCredential.Read(http.Request) is not { } secret)
        {
            return AdminAuthenticationResult.Unauthenticated;
        }

        if (tokens.IsConfigured && AdminCredential.IsToken(secret))
        {
            return await tokens.AuthenticateAsync(secret, address, http.RequestAborted);
        }

        if (AdminCredential.HashOf(secret) is not { } hash)
        {
            return AdminAuthenticationResult.Unauthenticated;
        }

        if (configured.Find(hash) is not null)
        {
            return AdminAuthenticationResult.NoAdminRights;
        }

        var grant = stored.Find(hash);
        if (grant is null && !stored.IsLoaded)
        {
            return AdminAuthenticationResult.Unavailable;
        }

        if (grant is null || !grant.Admits(time.GetUtcNow(), address))
        {
            failures.Failed(address);
            return AdminAuthenticationResult.Unauthenticated;
        }

        if (!grant.Principal.StartsWith(UserPrincipal, StringComparison.Ordinal) ||
            !Guid.TryParse(grant.Principal.AsSpan(UserPrincipal.Length), out var userId))
        {
            return AdminAuthenticationResult.NoAdminRights;
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, http.RequestAborted);
        if (user is null)
        {
            return AdminAuthenticationResult.Unauthenticated;
        }

        var teams = await db.TeamMemberships.Where(m => m.UserId == userId).Select(m => m.TeamId).ToListAsync(http.RequestAborted);
        return new(new AdminActor(user.Id, user.OrganizationId, user.Role, teams.ToFrozenSet(), grant.Models, address, grant.Regions), null);
    }
}
