using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>/admin/keys</c>: virtual keys, through <see cref="KeyAdministration"/>. Here only who may do what: the key's
/// place (organization, team, owning user) against the actor's reach, and what a new or changed grant may hold.
/// </summary>
internal static class KeyEndpoints
{
    internal const string RegionsRefused = "A key or team may not be served in regions beyond those your own key may use (and, when yours is limited, must name some).";

    public static void Map(RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/keys").WithTags("keys");
        group.MapGet("/", ListAsync).Produces<AdminPage<KeyView>>();
        group.MapGet("/{id}", GetAsync).Produces<KeyView>();
        group.MapPost("/", CreateAsync).Accepts<CreateKey>("application/json").Produces<CreatedKey>(StatusCodes.Status201Created);
        group.MapPatch("/{id}", UpdateAsync).Accepts<UpdateKey>("application/json").Produces<KeyView>();
        group.MapPost("/{id}/disable", (HttpContext http, KeyAdministration keys, IDbContextFactory<PolicyDbContext> databases, string id) =>
            ChangeAsync(http, databases, id, (key, actor) => keys.SetEnabledAsync(key, false, actor, http.RequestAborted))).Produces<KeyView>();
        group.MapPost("/{id}/enable", (HttpContext http, KeyAdministration keys, IDbContextFactory<PolicyDbContext> databases, string id) =>
            ChangeAsync(http, databases, id, (key, actor) => keys.SetEnabledAsync(key, true, actor, http.RequestAborted))).Produces<KeyView>();
        group.MapPost("/{id}/revoke", (HttpContext http, KeyAdministration keys, IDbContextFactory<PolicyDbContext> databases, string id) =>
            ChangeAsync(http, databases, id, (key, actor) => keys.RevokeAsync(key, actor, http.RequestAborted))).Produces<KeyView>();
        group.MapPost("/{id}/rotate", RotateAsync).Accepts<RotateKeyRequest>("application/json").Produces<CreatedKey>(StatusCodes.Status201Created);
    }

    private static async Task<IResult> ListAsync(
        HttpContext http,
        KeyAdministration keys,
        string? organizationId,
        string? ownerUserId,
        string? ownerTeamId,
        string? ownerServiceAccountId,
        string? teamId,
        string? status,
        string? tag,
        string? displayPrefix,
        string? limit,
        string? cursor)
    {
        var actor = AdminActor.Of(http);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var organization = AdminQuery.Id(organizationId, "organizationId", errors);
        var owner = new KeyOwner(
            AdminQuery.Id(ownerUserId, "ownerUserId", errors),
            AdminQuery.Id(ownerTeamId, "ownerTeamId", errors),
            AdminQuery.Id(ownerServiceAccountId, "ownerServiceAccountId", errors));
        var team = AdminQuery.Id(teamId, "teamId", errors);
        KeyValuePair<string, string>? tagFilter = null;
        if (tag is not null)
        {
            var equals = tag.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                errors["tag"] = ["must be name=value."];
            }
            else
            {
                tagFilter = KeyValuePair.Create(tag[..equals], tag[(equals + 1)..]);
            }
        }

        var paging = AdminPaging.Parse(limit, cursor, errors);
        if (paging is null || errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        if (!AdminRules.SeesAllOrganizations(actor))
        {
            if (organization is { } asked && asked != actor.OrganizationId)
            {
                return TypedResults.Ok(new AdminPage<KeyView>([], null));
            }

            organization = actor.OrganizationId;
        }

        var result = await keys.ListAsync(
            new KeyQuery(organization, owner, status, displayPrefix, paging.After, paging.Limit, team, tagFilter), http.RequestAborted);
        if (result.Failure is { } failure)
        {
            return AdminProblems.Of(failure);
        }

        return TypedResults.Ok(new AdminPage<KeyView>(result.Value!.Items, result.Value.NextAfter is { } next ? AdminPaging.Cursor(next) : null));
    }

    private static async Task<IResult> GetAsync(HttpContext http, IDbContextFactory<PolicyDbContext> databases, string id)
    {
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var (key, refusal) = await FindAsync(http, db, id, AdminOperation.Read);
        return key is null ? refusal! : TypedResults.Ok(KeyView.Of(key));
    }

    private static async Task<IResult> CreateAsync(HttpContext http, AdminBody body, KeyAdministration keys, IDbContextFactory<PolicyDbContext> databases)
    {
        var actor = AdminActor.Of(http);
        var (request, problem) = await body.ReadForAsync<CreateKey>(http, AdminOperation.ManageKeys);
        if (request is null)
        {
            return problem!;
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var target = request.Owner is null ? null : await TargetOfOwnerAsync(db, request.Owner, http.RequestAborted);

        // An owner of another tenant reads exactly as one that does not exist; KeyAdministration says which field.
        var verdict = target is null ? AdminVerdict.NotFound : AdminRules.Decide(actor, AdminOperation.ManageKeys, target);
        if (verdict == AdminVerdict.Forbidden)
        {
            return AdminProblems.Forbidden("You may not create keys for this owner.");
        }

        if (verdict == AdminVerdict.Allowed &&
            !await GrantsWithinAsync(db, actor, target!.OrganizationId, request.Models, request.AccessGroups, http.RequestAborted))
        {
            return AdminProblems.Forbidden("A key may not use models beyond those your own key may use.");
        }

        if (verdict == AdminVerdict.Allowed && !AdminRules.RegionsWithin(actor, request.Regions ?? []))
        {
            return AdminProblems.Forbidden(RegionsRefused);
        }

        if (verdict == AdminVerdict.NotFound)
        {
            // Exactly the answer for an owner that does not exist (every other field still checked), by asking for
            // one: Guid.Empty names no object.
            var o = request.Owner;
            request = request with
            {
                Owner = new KeyOwner(o?.UserId is null ? null : Guid.Empty, o?.TeamId is null ? null : Guid.Empty, o?.ServiceAccountId is null ? null : Guid.Empty),
            };
        }

        var created = await keys.CreateAsync(request, actor.Audit, http.RequestAborted);
        return AdminProblems.Result(created, created.Value is { } value ? $"/admin/keys/{value.Key.Id}" : null);
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, AdminBody body, KeyAdministration keys, IDbContextFactory<PolicyDbContext> databases, string id)
    {
        var actor = AdminActor.Of(http);
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var (key, refusal) = await FindAsync(http, db, id, AdminOperation.ManageKeys);
        if (key is null)
        {
            return refusal!;
        }

        var (update, problem) = await body.ReadAsync<UpdateKey>(http);
        if (update is null)
        {
            return problem!;
        }

        if (!await GrantsWithinAsync(db, actor, key.OrganizationId, update.Models, update.AccessGroups, http.RequestAborted))
        {
            return AdminProblems.Forbidden("A key may not use models beyond those your own key may use.");
        }

        if (update.Regions is { } regions && !AdminRules.RegionsWithin(actor, regions))
        {
            return AdminProblems.Forbidden(RegionsRefused);
        }

        return AdminProblems.Result(await keys.UpdateAsync(key.Id, update, actor.Audit, http.RequestAborted));
    }

    private static async Task<IResult> RotateAsync(HttpContext http, AdminBody body, KeyAdministration keys, IDbContextFactory<PolicyDbContext> databases, string id)
    {
        var actor = AdminActor.Of(http);
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var (key, refusal) = await FindAsync(http, db, id, AdminOperation.ManageKeys);
        if (key is null)
        {
            return refusal!;
        }

        // No body: rotate with no grace (the old key stops at once).
        var request = new RotateKeyRequest(0);
        if (http.Request.ContentLength is not 0 && (http.Request.ContentLength is not null || http.Request.Headers.TransferEncoding.Count > 0))
        {
            var (read, problem) = await body.ReadAsync<RotateKeyRequest>(http);
            if (read is null)
            {
                return problem!;
            }

            request = read;
        }

        var rotated = await keys.RotateAsync(key.Id, TimeSpan.FromSeconds(request.GraceSeconds ?? 0), actor.Audit, http.RequestAborted);
        return AdminProblems.Result(rotated, rotated.Value is { } value ? $"/admin/keys/{value.Key.Id}" : null);
    }

    private static async Task<IResult> ChangeAsync(
        HttpContext http, IDbContextFactory<PolicyDbContext> databases, string id, Func<Guid, Audit.AuditActor, Task<AdminResult<KeyView>>> change)
    {
        var actor = AdminActor.Of(http);
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var (key, refusal) = await FindAsync(http, db, id, AdminOperation.ManageKeys);
        return key is null ? refusal! : AdminProblems.Result(await change(key.Id, actor.Audit));
    }

    /// <summary>The key, if the actor sees it and may do <paramref name="operation"/> to it; else the answer to give.</summary>
    private static async Task<(VirtualKey? Key, IResult? Refusal)> FindAsync(HttpContext http, PolicyDbContext db, string id, AdminOperation operation)
    {
        var actor = AdminActor.Of(http);
        if (!AdminQuery.TryRouteId(id, out var keyId) ||
            await db.VirtualKeys.FirstOrDefaultAsync(k => k.Id == keyId, http.RequestAborted) is not { } key)
        {
            return (null, AdminProblems.NotFound);
        }

        var team = key.OwnerTeamId ?? (key.OwnerServiceAccountId is { } account
            ? await db.ServiceAccounts.Where(a => a.Id == account).Select(a => (Guid?)a.TeamId).FirstOrDefaultAsync(http.RequestAborted)
            : null);
        var verdict = AdminRules.Decide(actor, operation, new AdminTarget(key.OrganizationId, team, key.OwnerUserId));
        return verdict == AdminVerdict.Allowed ? (key, null) : (null, AdminProblems.Of(verdict));
    }

    private static async Task<AdminTarget?> TargetOfOwnerAsync(PolicyDbContext db, KeyOwner owner, CancellationToken cancellationToken)
    {
        if (owner.UserId is { } user)
        {
            return await db.Users.Where(u => u.Id == user).Select(u => new AdminTarget(u.OrganizationId, null, u.Id)).FirstOrDefaultAsync(cancellationToken);
        }

        if (owner.TeamId is { } team)
        {
            return await db.Teams.Where(t => t.Id == team).Select(t => new AdminTarget(t.OrganizationId, t.Id, null)).FirstOrDefaultAsync(cancellationToken);
        }

        if (owner.ServiceAccountId is { } account)
        {
            return await db.ServiceAccounts.Where(a => a.Id == account)
                .Join(db.Teams, a => a.TeamId, t => t.Id, (a, t) => new AdminTarget(t.OrganizationId, t.Id, null))
                .FirstOrDefaultAsync(cancellationToken);
        }

        return null;
    }

    /// <summary>Whether the models named, and those of the groups named, are all within the actor's own key's.</summary>
    private static async Task<bool> GrantsWithinAsync(
        PolicyDbContext db, AdminActor actor, Guid organizationId, IReadOnlyList<string>? models, IReadOnlyList<string>? groups, CancellationToken cancellationToken)
    {
        if (actor.Models is null)
        {
            return true;
        }

        var granted = new List<string>(models ?? []);
        if (groups is { Count: > 0 })
        {
            var names = groups.ToList();
            var groupModels = await db.ModelAccessGroups
                .Where(g => g.OrganizationId == organizationId && names.Contains(g.Name))
                .Select(g => g.Models)
                .ToListAsync(cancellationToken);
            granted.AddRange(groupModels.SelectMany(m => m));
        }

        return AdminRules.GrantsWithin(actor, granted);
    }
}
