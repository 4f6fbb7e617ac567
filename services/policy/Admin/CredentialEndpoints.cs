using AiMesh.Policy.Secrets;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>/admin/credentials</c>: provider API keys, sealed at rest (<see cref="CredentialAdministration"/>). Mesh-wide
/// infrastructure, so admins only (<see cref="AdminOperation.ManageCredentials"/>), reads included. Every answer is
/// metadata: the value goes in (create, <c>PUT …/value</c>) and never comes out. Without a master key every route
/// answers 503 <c>secrets_not_configured</c> (after the role check, so nobody else learns even that).
/// </summary>
internal static class CredentialEndpoints
{
    public const string NotConfiguredCode = "secrets_not_configured";

    public static void Map(RouteGroupBuilder admin)
    {
        var group = AdminRoutes.MapCollection<ProviderCredentialView, CreateCredentialRequest>(admin, "/credentials", "credentials", ListAsync, GetAsync, CreateAsync);
        group.MapPut("/{id}/value", ReplaceValueAsync).Accepts<ReplaceCredentialValueRequest>("application/json").Produces<ProviderCredentialView>();
        group.MapDelete("/{id}", DeleteAsync).Produces(StatusCodes.Status204NoContent);
    }

    private static IResult NotConfigured => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Service Unavailable",
        detail: "Provider credentials need a master key: set AIMESH_MASTER_KEY (or Policy:Secrets:MasterKeyFile) on the policy service.",
        extensions: new Dictionary<string, object?> { ["code"] = NotConfiguredCode });

    /// <summary>403 for anyone but an admin, then 503 without a master key; null when the route may go on.</summary>
    private static IResult? Refusal(HttpContext http, CredentialAdministration credentials) =>
        !AdminRules.MayEver(AdminActor.Of(http), AdminOperation.ManageCredentials) ? AdminProblems.Forbidden()
        : !credentials.IsConfigured ? NotConfigured
        : null;

    private static async Task<IResult> ListAsync(
        HttpContext http, CredentialAdministration credentials, IDbContextFactory<PolicyDbContext> databases, string? limit, string? cursor)
    {
        if (Refusal(http, credentials) is { } refusal)
        {
            return refusal;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var paging = AdminPaging.Parse(limit, cursor, errors);
        if (paging is null)
        {
            return AdminProblems.Invalid(errors);
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        return TypedResults.Ok(await AdminList.PageAsync(db.ProviderCredentials.AsQueryable(), paging, ProviderCredentialView.Of, http.RequestAborted));
    }

    private static async Task<IResult> GetAsync(HttpContext http, CredentialAdministration credentials, IDbContextFactory<PolicyDbContext> databases, string id)
    {
        if (Refusal(http, credentials) is { } refusal)
        {
            return refusal;
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        return AdminQuery.TryRouteId(id, out var key) && await db.ProviderCredentials.FirstOrDefaultAsync(c => c.Id == key, http.RequestAborted) is { } found
            ? TypedResults.Ok(ProviderCredentialView.Of(found))
            : AdminProblems.NotFound;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, AdminBody body, CredentialAdministration credentials)
    {
        if (Refusal(http, credentials) is { } refusal)
        {
            return refusal;
        }

        var (request, problem) = await body.ReadAsync<CreateCredentialRequest>(http);
        if (request is null)
        {
            return problem!;
        }

        var created = await credentials.CreateAsync(request.Name, request.Value, request.Provider, AdminActor.Of(http).Audit, http.RequestAborted);
        return AdminProblems.Result(created, created.Value is { } value ? $"/admin/credentials/{value.Id}" : null);
    }

    private static async Task<IResult> ReplaceValueAsync(HttpContext http, AdminBody body, CredentialAdministration credentials, string id)
    {
        if (Refusal(http, credentials) is { } refusal)
        {
            return refusal;
        }

        var (request, problem) = await body.ReadAsync<ReplaceCredentialValueRequest>(http);
        if (request is null)
        {
            return problem!;
        }

        return AdminQuery.TryRouteId(id, out var key)
            ? AdminProblems.Result(await credentials.ReplaceValueAsync(key, request.Value, AdminActor.Of(http).Audit, http.RequestAborted))
            : AdminProblems.NotFound;
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, CredentialAdministration credentials, string id)
    {
        if (Refusal(http, credentials) is { } refusal)
        {
            return refusal;
        }

        if (!AdminQuery.TryRouteId(id, out var key))
        {
            return AdminProblems.NotFound;
        }

        return await credentials.DeleteAsync(key, AdminActor.Of(http).Audit, http.RequestAborted) is { } failure
            ? AdminProblems.Of(failure)
            : TypedResults.NoContent();
    }
}
