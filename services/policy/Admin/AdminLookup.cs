using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>Finding the object a route id names, and whether the actor may act on it, the same way for every kind.</summary>
internal static class AdminLookup
{
    /// <summary>
    /// The object <paramref name="id"/> names, if it exists and the actor may do <paramref name="operation"/> to it
    /// at <paramref name="target"/>; else the answer to give: 404 for a malformed id or a missing object, the
    /// verdict's otherwise (another tenant's object is 404 too, see <see cref="AdminRules"/>).
    /// </summary>
    public static async Task<(T? Found, IResult? Refusal)> FindAsync<T>(
        HttpContext http, IQueryable<T> table, string id, AdminOperation operation, Func<T, AdminTarget> target)
        where T : class, IIdentified
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(target);
        if (!AdminQuery.TryRouteId(id, out var key) ||
            await table.FirstOrDefaultAsync(o => o.Id == key, http.RequestAborted) is not { } found)
        {
            return (null, AdminProblems.NotFound);
        }

        var verdict = AdminRules.Decide(AdminActor.Of(http), operation, target(found));
        return verdict == AdminVerdict.Allowed ? (found, null) : (null, AdminProblems.Of(verdict));
    }
}
