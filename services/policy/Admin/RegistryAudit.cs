using AiMesh.Policy.Audit;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// The audit entry of a write to the prompt registry (prompts, versions, labels, APIs, splits, chains). The registry is
/// the prompts service's database, so there is no shared transaction: the entry is appended after the prompts service
/// answered that the change happened, and a change it refused leaves none. A policy that stops between the two leaves
/// a change without its entry (the prompts service's own log has it: events 6005–6041).
/// </summary>
internal static class RegistryAudit
{
    public static async Task SaveAsync(
        HttpContext http, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, string operation, string objectType, string objectId,
        string? organizationId, object? before, object? after)
    {
        var organization = Guid.TryParse(organizationId, out var id) ? id : (Guid?)null;
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        await AuditTrail.SaveAsync(
            db, AdminActor.Of(http).Audit, new AuditChange(operation, objectType, objectId, organization, before, after), time.GetUtcNow(), http.RequestAborted);
    }
}
