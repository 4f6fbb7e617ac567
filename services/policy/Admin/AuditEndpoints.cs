using System.Buffers.Binary;
using System.Buffers.Text;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary><c>/admin/audit</c>: the audit trail, oldest first. An admin reads all of it, an org_admin its organization's entries; nobody changes it.</summary>
internal static class AuditEndpoints
{
    public static void Map(RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/audit").WithTags("audit");
        group.MapGet("/", ListAsync).Produces<AdminPage<AuditEventView>>();
    }

    private static async Task<IResult> ListAsync(
        HttpContext http,
        IDbContextFactory<PolicyDbContext> databases,
        string? organizationId,
        string? operation,
        string? objectType,
        string? objectId,
        string? limit,
        string? cursor)
    {
        var actor = AdminActor.Of(http);
        if (!AdminRules.MayEver(actor, AdminOperation.ReadAudit))
        {
            return AdminProblems.Forbidden();
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var organization = AdminQuery.Id(organizationId, "organizationId", errors);
        var paging = AdminPaging.Parse(limit, null, errors);
        long after = 0;
        if (cursor is not null && !(cursor.Length == 11 && Base64Url.IsValid(cursor) && Base64Url.DecodeFromChars(cursor) is { Length: 8 } bytes &&
            (after = BinaryPrimitives.ReadInt64BigEndian(bytes)) >= 0))
        {
            errors["cursor"] = ["is not a cursor this API returned."];
        }

        foreach (var (field, value) in new[] { ("operation", operation), ("objectType", objectType), ("objectId", objectId) })
        {
            if (value is { Length: > 200 } || value?.Any(char.IsControl) == true)
            {
                errors[field] = ["must be at most 200 characters with no control characters."];
            }
        }

        if (paging is null || errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var query = db.AuditEvents.Where(e => e.Sequence > after);
        if (!AdminRules.SeesAllOrganizations(actor))
        {
            query = query.Where(e => e.OrganizationId == actor.OrganizationId);
        }

        if (organization is { } org)
        {
            query = query.Where(e => e.OrganizationId == org);
        }

        if (operation is not null)
        {
            query = query.Where(e => e.Operation == operation);
        }

        if (objectType is not null)
        {
            query = query.Where(e => e.ObjectType == objectType);
        }

        if (objectId is not null)
        {
            query = query.Where(e => e.ObjectId == objectId);
        }

        var items = await query.OrderBy(e => e.Sequence).Take(paging.Limit + 1).ToListAsync(http.RequestAborted);
        var page = items.Take(paging.Limit).Select(AuditEventView.Of).ToList();
        return TypedResults.Ok(new AdminPage<AuditEventView>(page, items.Count > paging.Limit ? Cursor(page[^1].Sequence) : null));
    }

    private static string Cursor(long sequence)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, sequence);
        return Base64Url.EncodeToString(bytes);
    }
}
