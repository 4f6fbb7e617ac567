using AiMesh.Policy.Audit;
using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// Saves an admin change with its audit entry, in one transaction (<see cref="AuditTrail"/>): a name or email already
/// taken comes back as a conflict, never as an exception, and leaves no entry behind.
/// </summary>
internal static class AdminStore
{
    public static async Task<AdminFailure?> SaveAsync(
        PolicyDbContext db, AdminActor actor, AuditChange change, DateTimeOffset at, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        try
        {
            await AuditTrail.SaveAsync(db, actor.Audit, change, at, cancellationToken);
            return null;
        }
        catch (DbUpdateException exception) when (UniqueViolation.Is(exception))
        {
            return AdminFailure.Conflict($"{what} already exists.");
        }
    }
}
