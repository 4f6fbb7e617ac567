using AiMesh.Policy.Audit;
using AiMesh.Policy.Budgets;
using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Limits;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// Rate limits and budgets per key, user, team or organization: <c>/admin/{keys|users|teams|organizations}/{id}/limits</c>
/// and <c>…/{id}/budgets/{period}</c>. Reading them is a read of the subject; changing them is
/// <see cref="AdminOperation.ManageLimits"/> (<see cref="AdminRules.DecideLimitChange"/>: below admin, never one's own
/// organization's, user's or key's). Every change is audited with the before and after, applied by this replica at
/// once and announced to the others (<see cref="EntityRulesChanged"/>; bound: the key reload interval at worst).
/// </summary>
internal static class LimitEndpoints
{
    private const int MaxLimit = 1_000_000_000;
    private const decimal MaxAmount = 1_000_000_000m;
    private const decimal NanosPerUnit = 1_000_000_000m;

    private static readonly (string Route, string Type)[] Subjects =
        [("keys", LimitSubjects.Key), ("users", LimitSubjects.User), ("teams", LimitSubjects.Team), ("organizations", LimitSubjects.Org)];

    public static void Map(RouteGroupBuilder admin)
    {
        foreach (var (route, type) in Subjects)
        {
            var group = admin.MapGroup($"/{route}/{{id}}").WithTags("limits");
            group.MapGet("/limits", (HttpContext http, IDbContextFactory<PolicyDbContext> databases, string id) => GetLimitsAsync(http, databases, type, id))
                .Produces<EntityLimitsView>();
            group.MapPut("/limits", (HttpContext http, AdminBody body, LimitChanges changes, string id) => SetLimitsAsync(http, body, changes, type, id))
                .Accepts<SetLimitsRequest>("application/json").Produces<EntityLimitsView>();
            group.MapDelete("/limits", (HttpContext http, LimitChanges changes, string id) => ClearLimitsAsync(http, changes, type, id))
                .Produces(StatusCodes.Status204NoContent);
            group.MapGet("/budgets", (HttpContext http, IDbContextFactory<PolicyDbContext> databases, BudgetSpendStore spend, TimeProvider time, string id) =>
                    ListBudgetsAsync(http, databases, spend, time, type, id))
                .Produces<EntityBudgetView[]>();
            group.MapPut("/budgets/{period}", (HttpContext http, AdminBody body, LimitChanges changes, BudgetSpendStore spend, string id, string period) =>
                    SetBudgetAsync(http, body, changes, spend, type, id, period))
                .Accepts<SetBudgetRequest>("application/json").Produces<EntityBudgetView>();
            group.MapDelete("/budgets/{period}", (HttpContext http, LimitChanges changes, string id, string period) => ClearBudgetAsync(http, changes, type, id, period))
                .Produces(StatusCodes.Status204NoContent);
        }
    }

    private static async Task<IResult> GetLimitsAsync(HttpContext http, IDbContextFactory<PolicyDbContext> databases, string type, string id)
    {
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var (subject, refusal) = await FindAsync(http, db, type, id, change: false);
        if (subject is null)
        {
            return refusal!;
        }

        var row = await db.EntityLimits.FirstOrDefaultAsync(l => l.SubjectType == type && l.SubjectId == subject.Id, http.RequestAborted);
        return TypedResults.Ok(row is null ? new EntityLimitsView(type, subject.Id, subject.OrganizationId, null, null, null, null, null, null) : View(row));
    }

    private static async Task<IResult> SetLimitsAsync(HttpContext http, AdminBody body, LimitChanges changes, string type, string id)
    {
        // The subject first, so another tenant's reads as missing to every role, as on every other route.
        await using var db = await changes.Databases.CreateDbContextAsync(http.RequestAborted);
        var (subject, refusal) = await FindAsync(http, db, type, id, change: true);
        if (subject is null)
        {
            return refusal!;
        }

        var (request, problem) = await body.ReadAsync<SetLimitsRequest>(http);
        if (request is null)
        {
            return problem!;
        }

        var validation = new KeyValidation();
        Check(validation, "requestsPerSecond", request.RequestsPerSecond);
        Check(validation, "requestsPerMinute", request.RequestsPerMinute);
        Check(validation, "tokensPerMinute", request.TokensPerMinute);
        Check(validation, "concurrent", request.Concurrent);
        if (request is { RequestsPerSecond: null, RequestsPerMinute: null, TokensPerMinute: null, Concurrent: null })
        {
            validation.Add("body", "set at least one limit; DELETE removes them.");
        }

        if (!validation.IsValid)
        {
            return AdminProblems.Invalid(validation.Errors);
        }

        var actor = AdminActor.Of(http);
        var row = await db.EntityLimits.AsTracking().FirstOrDefaultAsync(l => l.SubjectType == type && l.SubjectId == subject.Id, http.RequestAborted);
        var before = row is null ? null : View(row);
        if (row is null)
        {
            row = new EntityLimit { SubjectType = type, SubjectId = subject.Id, OrganizationId = subject.OrganizationId };
            db.EntityLimits.Add(row);
        }

        (row.RequestsPerSecond, row.RequestsPerMinute, row.TokensPerMinute, row.Concurrent) =
            (request.RequestsPerSecond, request.RequestsPerMinute, request.TokensPerMinute, request.Concurrent);
        (row.UpdatedAt, row.UpdatedBy) = (changes.Time.GetUtcNow(), actor.Name);
        var after = View(row);
        if (await AdminStore.SaveAsync(db, actor, new AuditChange("limits.set", "limits", $"{type}/{subject.Id}", subject.OrganizationId, before, after), row.UpdatedAt, "These limits", http.RequestAborted) is { } failure)
        {
            return AdminProblems.Of(failure);
        }

        await changes.AnnounceAsync(type, subject.Id, http.RequestAborted);
        return TypedResults.Ok(after);
    }

    private static async Task<IResult> ClearLimitsAsync(HttpContext http, LimitChanges changes, string type, string id)
    {
        await using var db = await changes.Databases.CreateDbContextAsync(http.RequestAborted);
        var (subject, refusal) = await FindAsync(http, db, type, id, change: true);
        if (subject is null)
        {
            return refusal!;
        }

        var row = await db.EntityLimits.AsTracking().FirstOrDefaultAsync(l => l.SubjectType == type && l.SubjectId == subject.Id, http.RequestAborted);
        if (row is null)
        {
            return AdminProblems.NotFound;
        }

        db.EntityLimits.Remove(row);
        var actor = AdminActor.Of(http);
        await AdminStore.SaveAsync(db, actor, new AuditChange("limits.clear", "limits", $"{type}/{subject.Id}", subject.OrganizationId, View(row), null), changes.Time.GetUtcNow(), "These limits", http.RequestAborted);
        await changes.AnnounceAsync(type, subject.Id, http.RequestAborted);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ListBudgetsAsync(
        HttpContext http, IDbContextFactory<PolicyDbContext> databases, BudgetSpendStore spend, TimeProvider time, string type, string id)
    {
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var (subject, refusal) = await FindAsync(http, db, type, id, change: false);
        if (subject is null)
        {
            return refusal!;
        }

        var rows = await db.EntityBudgets.Where(b => b.SubjectType == type && b.SubjectId == subject.Id).ToListAsync(http.RequestAborted);
        var views = new List<EntityBudgetView>(rows.Count);
        foreach (var row in rows.OrderBy(r => Enum.Parse<BudgetPeriod>(r.Period, ignoreCase: true)))
        {
            views.Add(await ViewAsync(row, spend, time.GetUtcNow(), http.RequestAborted));
        }

        return TypedResults.Ok(views);
    }

    private static async Task<IResult> SetBudgetAsync(HttpContext http, AdminBody body, LimitChanges changes, BudgetSpendStore spend, string type, string id, string period)
    {
        if (ParsePeriod(period) is not { } parsed)
        {
            return AdminProblems.Invalid("period", "must be day, week, month or total.");
        }

        await using var db = await changes.Databases.CreateDbContextAsync(http.RequestAborted);
        var (subject, refusal) = await FindAsync(http, db, type, id, change: true);
        if (subject is null)
        {
            return refusal!;
        }

        var (request, problem) = await body.ReadAsync<SetBudgetRequest>(http);
        if (request is null)
        {
            return problem!;
        }

        var validation = new KeyValidation();
        if (request.Amount is not { } amount || amount <= 0 || amount > MaxAmount)
        {
            validation.Add("amount", $"must be more than 0 and at most {MaxAmount:0}, in the price table's currency.");
        }

        if (request.SoftThresholds?.Any(t => t is < 1 or > 100) == true)
        {
            validation.Add("softThresholds", "must be percentages from 1 to 100.");
        }

        if (!validation.IsValid)
        {
            return AdminProblems.Invalid(validation.Errors);
        }

        var actor = AdminActor.Of(http);
        var name = parsed.ToString().ToLowerInvariant();
        var now = changes.Time.GetUtcNow();
        var row = await db.EntityBudgets.AsTracking().FirstOrDefaultAsync(b => b.SubjectType == type && b.SubjectId == subject.Id && b.Period == name, http.RequestAborted);
        var before = row is null ? null : await ViewAsync(row, spend, now, http.RequestAborted);
        if (row is null)
        {
            row = new EntityBudget { SubjectType = type, SubjectId = subject.Id, Period = name, OrganizationId = subject.OrganizationId };
            db.EntityBudgets.Add(row);
        }

        // Rounded up to the billionth, as spend is: a budget errs on its own side.
        row.AmountNanos = (long)Math.Ceiling(request.Amount!.Value * NanosPerUnit);
        row.SoftThresholds = [.. (request.SoftThresholds ?? []).Distinct().Order()];
        row.Hard = request.Hard ?? true;
        (row.UpdatedAt, row.UpdatedBy) = (now, actor.Name);
        var after = await ViewAsync(row, spend, now, http.RequestAborted);
        if (await AdminStore.SaveAsync(db, actor, new AuditChange("budget.set", "budget", $"{type}/{subject.Id}/{name}", subject.OrganizationId, before, after), now, "This budget", http.RequestAborted) is { } failure)
        {
            return AdminProblems.Of(failure);
        }

        await changes.AnnounceAsync(type, subject.Id, http.RequestAborted);
        return TypedResults.Ok(after);
    }

    private static async Task<IResult> ClearBudgetAsync(HttpContext http, LimitChanges changes, string type, string id, string period)
    {
        if (ParsePeriod(period) is not { } parsed)
        {
            return AdminProblems.Invalid("period", "must be day, week, month or total.");
        }

        await using var db = await changes.Databases.CreateDbContextAsync(http.RequestAborted);
        var (subject, refusal) = await FindAsync(http, db, type, id, change: true);
        if (subject is null)
        {
            return refusal!;
        }

        var name = parsed.ToString().ToLowerInvariant();
        var row = await db.EntityBudgets.AsTracking().FirstOrDefaultAsync(b => b.SubjectType == type && b.SubjectId == subject.Id && b.Period == name, http.RequestAborted);
        if (row is null)
        {
            return AdminProblems.NotFound;
        }

        db.EntityBudgets.Remove(row);
        var before = new { row.SubjectType, row.SubjectId, row.Period, Amount = row.AmountNanos / NanosPerUnit, row.SoftThresholds, row.Hard };
        await AdminStore.SaveAsync(db, AdminActor.Of(http), new AuditChange("budget.clear", "budget", $"{type}/{subject.Id}/{name}", subject.OrganizationId, before, null), changes.Time.GetUtcNow(), "This budget", http.RequestAborted);
        await changes.AnnounceAsync(type, subject.Id, http.RequestAborted);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The subject the route names, if it exists, the actor sees it and may read it (<paramref name="change"/> false) or
    /// change its limits (true); else the answer to give (404 for what the actor may not see, as everywhere).
    /// </summary>
    private static async Task<(Subject? Subject, IResult? Refusal)> FindAsync(HttpContext http, PolicyDbContext db, string type, string id, bool change)
    {
        if (!AdminQuery.TryRouteId(id, out var subjectId))
        {
            return (null, AdminProblems.NotFound);
        }

        var cancellationToken = http.RequestAborted;
        AdminTarget? target = type switch
        {
            LimitSubjects.Key => await KeyTargetAsync(db, subjectId, cancellationToken),
            LimitSubjects.User => await db.Users.Where(u => u.Id == subjectId).Select(u => new AdminTarget(u.OrganizationId, null, u.Id)).FirstOrDefaultAsync(cancellationToken),
            LimitSubjects.Team => await db.Teams.Where(t => t.Id == subjectId).Select(t => new AdminTarget(t.OrganizationId, t.Id, null)).FirstOrDefaultAsync(cancellationToken),
            _ => await db.Organizations.Where(o => o.Id == subjectId).Select(o => new AdminTarget(o.Id, null, null)).FirstOrDefaultAsync(cancellationToken),
        };
        if (target is null)
        {
            return (null, AdminProblems.NotFound);
        }

        var actor = AdminActor.Of(http);
        var verdict = change ? AdminRules.DecideLimitChange(actor, type, target) : AdminRules.Decide(actor, AdminOperation.Read, target);
        return verdict == AdminVerdict.Allowed ? (new Subject(subjectId, target.OrganizationId), null) : (null, AdminProblems.Of(verdict));
    }

    /// <summary>A key sits in its owning team, or its service account's team, and with its owning user.</summary>
    private static async Task<AdminTarget?> KeyTargetAsync(PolicyDbContext db, Guid keyId, CancellationToken cancellationToken)
    {
        if (await db.VirtualKeys.FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken) is not { } key)
        {
            return null;
        }

        var team = key.OwnerTeamId ?? (key.OwnerServiceAccountId is { } account
            ? await db.ServiceAccounts.Where(a => a.Id == account).Select(a => (Guid?)a.TeamId).FirstOrDefaultAsync(cancellationToken)
            : null);
        return new AdminTarget(key.OrganizationId, team, key.OwnerUserId);
    }

    private static void Check(KeyValidation validation, string field, int? value)
    {
        if (value is < 1 or > MaxLimit)
        {
            validation.Add(field, $"must be from 1 to {MaxLimit} (leave it out for no limit of this kind).");
        }
    }

    /// <summary>A period by name only (<c>day</c>, <c>week</c>, <c>month</c>, <c>total</c>, any case): never a number.</summary>
    private static BudgetPeriod? ParsePeriod(string value) =>
        Enum.GetNames<BudgetPeriod>().FirstOrDefault(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<BudgetPeriod>(name)
            : null;

    private static EntityLimitsView View(EntityLimit row) => new(
        row.SubjectType, row.SubjectId, row.OrganizationId, row.RequestsPerSecond, row.RequestsPerMinute, row.TokensPerMinute, row.Concurrent, row.UpdatedAt, row.UpdatedBy);

    private static async Task<EntityBudgetView> ViewAsync(EntityBudget row, BudgetSpendStore spend, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var period = Enum.Parse<BudgetPeriod>(row.Period, ignoreCase: true);
        var current = BudgetPeriods.Name(period, now);

        // The budget's name in the spend store is the decision path's (BudgetGuard): key:…, user:…, team:…, org:….
        var spent = await spend.SpentAsync(row.SubjectType + ":" + row.SubjectId, current, cancellationToken);
        return new EntityBudgetView(
            row.SubjectType, row.SubjectId, row.OrganizationId, row.Period, row.AmountNanos / NanosPerUnit, row.SoftThresholds, row.Hard, current, spent, row.UpdatedAt, row.UpdatedBy);
    }

    private sealed record Subject(Guid Id, Guid OrganizationId);
}
