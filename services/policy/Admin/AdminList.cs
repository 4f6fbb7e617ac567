using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// What every admin list of stored objects does the same way: the actor's tenant scope, the <c>organizationId</c>
/// filter, and one keyset page in id order (<see cref="AdminPaging"/>). Each endpoint keeps its own extra filters.
/// </summary>
internal static class AdminList
{
    /// <summary>A whole list of objects owned by an organization whose only filter is <c>organizationId</c>.</summary>
    public static async Task<IResult> OwnedAsync<T, TView>(
        HttpContext http,
        IDbContextFactory<PolicyDbContext> databases,
        Func<PolicyDbContext, IQueryable<T>> table,
        string? organizationId,
        string? limit,
        string? cursor,
        Func<T, TView> view)
        where T : class, IOrganizationOwned
    {
        ArgumentNullException.ThrowIfNull(databases);
        ArgumentNullException.ThrowIfNull(table);
        var actor = AdminActor.Of(http);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var organization = AdminQuery.Id(organizationId, "organizationId", errors);
        var paging = AdminPaging.Parse(limit, cursor, errors);
        if (paging is null || errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        return TypedResults.Ok(await PageAsync(Visible(table(db), actor, organization), paging, view, http.RequestAborted));
    }

    /// <summary>
    /// The objects the actor sees (its own organization's, or every one for an admin), narrowed to
    /// <paramref name="organization"/> when the request names one.
    /// </summary>
    public static IQueryable<T> Visible<T>(IQueryable<T> query, AdminActor actor, Guid? organization)
        where T : class, IOrganizationOwned
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!AdminRules.SeesAllOrganizations(actor))
        {
            query = query.Where(o => o.OrganizationId == actor.OrganizationId);
        }

        if (organization is { } org)
        {
            query = query.Where(o => o.OrganizationId == org);
        }

        return query;
    }

    /// <summary>One page of <paramref name="query"/> in id order after the cursor, with one extra row read to tell whether another follows.</summary>
    public static async Task<AdminPage<TView>> PageAsync<T, TView>(IQueryable<T> query, AdminPaging paging, Func<T, TView> view, CancellationToken cancellationToken)
        where T : class, IIdentified
    {
        ArgumentNullException.ThrowIfNull(paging);
        if (paging.After is { } after)
        {
            query = query.Where(o => o.Id.CompareTo(after) > 0);
        }

        var items = await query.OrderBy(o => o.Id).Take(paging.Limit + 1).ToListAsync(cancellationToken);
        return paging.Page(items, o => o.Id, view);
    }
}
