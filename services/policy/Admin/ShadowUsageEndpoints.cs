using System.Globalization;
using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>/admin/usage/shadow</c>: the shadow traffic compared, primary beside candidate, per model requested, primary model,
/// shadow model and currency (<see cref="ShadowComparisonRow"/>); <c>/admin/usage/shadow/results</c>: one comparison's
/// results. Read as usage (<see cref="AdminOperation.ReadUsage"/>): policy forces the actor's scope
/// (<see cref="AdminUsageScope.ShadowAsync"/>, by the organization, team and key each result names), then asks metering
/// over the bus (<see cref="QueryShadowComparison"/>, <see cref="QueryShadowResults"/> on <c>aimesh-metering-queries</c>);
/// no answer within <see cref="UsageEndpoints.AskTimeout"/> is 503. Results outside the scope are simply absent, as in
/// <c>/admin/usage</c>.
/// </summary>
internal static class ShadowUsageEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1_000;
    private const int MaxModelLength = 200;

    public static void Map(RouteGroupBuilder usage)
    {
        usage.MapGet("/shadow", CompareAsync).Produces<AdminPage<ShadowComparisonRow>>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        usage.MapGet("/shadow/results", ListAsync).Produces<AdminPage<ShadowResult>>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>
    /// <c>model</c> (the model requested, the primary or the shadow model; none: every model), <c>from</c> and <c>to</c>
    /// (ISO 8601; default the last 24 hours; results by when they ended), <c>limit</c> (default 100) and <c>cursor</c>.
    /// </summary>
    private static async Task<IResult> CompareAsync(
        HttpContext http, IDbContextFactory<PolicyDbContext> databases, IBus bus, TimeProvider time, string? model, string? from, string? to, string? limit, string? cursor)
    {
        var actor = AdminActor.Of(http);
        if (!AdminRules.MayEver(actor, AdminOperation.ReadUsage))
        {
            return AdminProblems.Forbidden();
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Model("model", model, required: false, errors);
        var (start, end) = UsageEndpoints.Period(from, to, time, errors);
        var (offset, size) = Paging(limit, cursor, errors);
        if (errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        var (organization, teams, keys) = await ScopeAsync(actor, databases, http.RequestAborted);
        var client = bus.CreateRequestClient<QueryShadowComparison>(Endpoints.MeteringQueriesAddress, RequestTimeout.After(s: (int)UsageEndpoints.AskTimeout.TotalSeconds));
        ShadowComparison comparison;
        try
        {
            var ask = new QueryShadowComparison(NewId.NextGuid(), start, end, model, organization, teams, keys);
            comparison = (await client.GetResponse<ShadowComparison>(ask, http.RequestAborted)).Message;
        }
        catch (RequestTimeoutException)
        {
            return UsageEndpoints.MeteringUnavailable;
        }

        if (comparison.Error is { } error)
        {
            return AdminProblems.Invalid("query", error);
        }

        var page = comparison.Rows.Skip(offset).Take(size).ToList();
        return TypedResults.Ok(new AdminPage<ShadowComparisonRow>(page, offset + size < comparison.Rows.Count ? UsageEndpoints.Cursor(offset + size) : null));
    }

    /// <summary>
    /// One comparison's results, newest first: <c>model</c> (requested), <c>primary</c> and <c>shadow</c> (all three
    /// required, as a comparison row names them), <c>from</c>, <c>to</c>, <c>limit</c> (default 100, at most 1000) and
    /// <c>cursor</c>.
    /// </summary>
    private static async Task<IResult> ListAsync(
        HttpContext http, IDbContextFactory<PolicyDbContext> databases, IBus bus, TimeProvider time,
        string? model, string? primary, string? shadow, string? from, string? to, string? limit, string? cursor)
    {
        var actor = AdminActor.Of(http);
        if (!AdminRules.MayEver(actor, AdminOperation.ReadUsage))
        {
            return AdminProblems.Forbidden();
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Model("model", model, required: true, errors);
        Model("primary", primary, required: true, errors);
        Model("shadow", shadow, required: true, errors);
        var (start, end) = UsageEndpoints.Period(from, to, time, errors);
        var (offset, size) = Paging(limit, cursor, errors);
        if (errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        var (organization, teams, keys) = await ScopeAsync(actor, databases, http.RequestAborted);
        var client = bus.CreateRequestClient<QueryShadowResults>(Endpoints.MeteringQueriesAddress, RequestTimeout.After(s: (int)UsageEndpoints.AskTimeout.TotalSeconds));
        ShadowResultsPage page;
        try
        {
            var ask = new QueryShadowResults(NewId.NextGuid(), start, end, model!, primary!, shadow!, organization, teams, keys, offset, size);
            page = (await client.GetResponse<ShadowResultsPage>(ask, http.RequestAborted)).Message;
        }
        catch (RequestTimeoutException)
        {
            return UsageEndpoints.MeteringUnavailable;
        }

        if (page.Error is { } error)
        {
            return AdminProblems.Invalid("query", error);
        }

        return TypedResults.Ok(new AdminPage<ShadowResult>(page.Results, page.More ? UsageEndpoints.Cursor(offset + size) : null));
    }

    private static async Task<(string? OrganizationId, IReadOnlyList<string>? TeamIds, IReadOnlyList<string>? KeyIds)> ScopeAsync(
        AdminActor actor, IDbContextFactory<PolicyDbContext> databases, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await AdminUsageScope.ShadowAsync(actor, db, cancellationToken);
    }

    private static void Model(string name, string? value, bool required, Dictionary<string, string[]> errors)
    {
        if (value is null ? required : value.Length is 0 or > MaxModelLength || value.Any(char.IsControl))
        {
            errors[name] = [required ? $"is required: a model name of at most {MaxModelLength} characters with no control characters." : $"must be a model name of at most {MaxModelLength} characters with no control characters."];
        }
    }

    private static (int Offset, int Size) Paging(string? limit, string? cursor, Dictionary<string, string[]> errors)
    {
        var size = DefaultLimit;
        if (limit is not null && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) && size is >= 1 and <= MaxLimit))
        {
            errors["limit"] = [$"must be a whole number from 1 to {MaxLimit}."];
        }

        return (UsageEndpoints.Offset(cursor, errors), size);
    }
}
