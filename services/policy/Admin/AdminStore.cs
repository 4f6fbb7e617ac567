using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>Saves an admin change: a name or email already taken comes back as a conflict, never as an exception.</summary>
internal static class AdminStore
{
    public static async Task<AdminFailure?> SaveAsync(PolicyDbContext db, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException exception) when (UniqueViolation.Is(exception))
        {
            return AdminFailure.Conflict($"{what} already exists.");
        }
    }
}
