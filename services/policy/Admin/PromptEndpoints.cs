using System.Globalization;
using AiMesh.Contracts;
using AiMesh.Contracts.Prompts;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>/admin/prompts</c>: the prompt registry (issue 7). Policy authenticates and decides (<see cref="AdminRules"/>:
/// <see cref="AdminOperation.ReadPrompts"/>, <see cref="AdminOperation.PreviewPrompts"/>,
/// <see cref="AdminOperation.ManagePrompts"/>), then asks the prompts service over the bus (queue
/// <c>aimesh-prompts-admin</c>), as <see cref="UsageEndpoints"/> asks metering; no answer within
/// <see cref="AskTimeout"/> is 503. A prompt belongs to an organization, or (created by an admin without one) to the
/// whole deployment, which only admins see; another tenant's prompt is 404 like one that does not exist.
/// </summary>
internal static class PromptEndpoints
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;

    /// <summary>
    /// <c>/admin/prompts/apis</c> lists the published APIs. A literal segment wins over <c>/{name}</c>, so a prompt of
    /// this name could not be read: creating one is refused. Choice: refuse the name rather than move the list elsewhere,
    /// because the list belongs beside the prompts it lists and a prompt called "apis" is not worth a worse route.
    /// </summary>
    internal const string ApisSegment = "apis";

    public static void Map(RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/prompts").WithTags("prompts").ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/", ListAsync).Produces<AdminPage<PromptSummary>>();
        group.MapGet("/" + ApisSegment, ListApisAsync).Produces<AdminPage<PromptApiDetail>>();
        group.MapPost("/", CreateAsync).Produces<PromptDetail>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{name}", GetAsync).Produces<PromptDetail>();
        group.MapPost("/{name}/versions", PublishAsync).Produces<PromptVersionDetail>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{name}/versions/{number}", GetVersionAsync).Produces<PromptVersionDetail>();
        group.MapPut("/{name}/labels/{label}", MoveLabelAsync).Produces<PromptLabelDetail>().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/{name}/labels/{label}/rollback", RollbackAsync).Produces<PromptLabelDetail>().ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{name}/diff", DiffAsync).Produces<PromptVersionsDiffed>();
        group.MapPost("/{name}/render", PreviewAsync).Produces<PromptPreviewed>().ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPut("/{name}/api", SetApiAsync).Produces<PromptApiDetail>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/{name}/api", GetApiAsync).Produces<PromptApiDetail>();
        group.MapDelete("/{name}/api", DeleteApiAsync).Produces(StatusCodes.Status204NoContent);
        PromptExperimentEndpoints.Map(group);
    }

    /// <summary>Publishes the prompt as an API (issue 7): the ingress serves it at <c>/v1/prompts/{name}/run</c> and at its own path, if any.</summary>
    private static async Task<IResult> SetApiAsync(HttpContext http, IBus bus, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, AdminBody body, string name)
    {
        var (request, invalid) = await body.ReadForAsync<SetPromptApiRequest>(http, AdminOperation.ManagePrompts);
        if (request is null)
        {
            return invalid!;
        }

        if (request.OutputSchema is { } schema && schema.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return AdminProblems.Invalid("outputSchema", "must be a JSON Schema object.");
        }

        var (prompt, problem) = await FindAsync(http, bus, name, AdminOperation.ManagePrompts);
        if (prompt is null)
        {
            return problem!;
        }

        var set = new SetPromptApi(
            NewId.NextGuid(), prompt.Name, request.Path, request.Label, request.Version, request.Model, request.Output ?? "text",
            request.OutputSchema?.GetRawText(), request.RequestsPerMinute, request.Enabled ?? true, AdminActor.Of(http).Name);
        var (found, failed) = await AskAsync<SetPromptApi, PromptApiFound>(bus, set, http.RequestAborted);
        if (found is null)
        {
            return failed!;
        }

        await RegistryAudit.SaveAsync(http, databases, time, "prompt.api_set", "prompt_api", prompt.Name, prompt.OrganizationId, null, found.Api);
        return TypedResults.Ok(found.Api);
    }

    private static async Task<IResult> GetApiAsync(HttpContext http, IBus bus, string name)
    {
        var (prompt, problem) = await FindAsync(http, bus, name, AdminOperation.ReadPrompts);
        if (prompt is null)
        {
            return problem!;
        }

        var (found, failed) = await AskAsync<GetPromptApi, PromptApiFound>(bus, new GetPromptApi(NewId.NextGuid(), prompt.Name), http.RequestAborted);
        return found is null ? failed! : TypedResults.Ok(found.Api);
    }

    private static async Task<IResult> DeleteApiAsync(HttpContext http, IBus bus, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, string name)
    {
        var (prompt, problem) = await FindAsync(http, bus, name, AdminOperation.ManagePrompts);
        if (prompt is null)
        {
            return problem!;
        }

        var (found, failed) = await AskAsync<DeletePromptApi, PromptApiFound>(
            bus, new DeletePromptApi(NewId.NextGuid(), prompt.Name, AdminActor.Of(http).Name), http.RequestAborted);
        if (found is null)
        {
            return failed!;
        }

        await RegistryAudit.SaveAsync(http, databases, time, "prompt.api_deleted", "prompt_api", prompt.Name, prompt.OrganizationId, found.Api, null);
        return TypedResults.NoContent();
    }

    /// <summary><c>limit</c> (1–200, default 50) and <c>cursor</c>; <c>organizationId</c> for an admin (others see their own organization's).</summary>
    private static async Task<IResult> ListAsync(HttpContext http, IBus bus, string? limit, string? cursor, Guid? organizationId)
    {
        var (page, invalid) = ListPage(http, limit, cursor, organizationId);
        if (page is null)
        {
            return invalid!;
        }

        var (listed, problem) = await AskAsync<ListPrompts, PromptsListed>(
            bus, new ListPrompts(NewId.NextGuid(), page.Organization, page.Offset, page.Size), http.RequestAborted);
        return listed is null ? problem! : TypedResults.Ok(new AdminPage<PromptSummary>(listed.Prompts, page.Next(listed.Total)));
    }

    /// <summary>
    /// Every published prompt API the actor may read (as one API: <see cref="AdminOperation.ReadPrompts"/> in the prompt's
    /// organization), by prompt name, paged like <c>/admin/prompts</c>; each with its path, label or pinned version,
    /// output mode, own rate limit and the version and model it runs now.
    /// </summary>
    private static async Task<IResult> ListApisAsync(HttpContext http, IBus bus, string? limit, string? cursor, Guid? organizationId)
    {
        var (page, invalid) = ListPage(http, limit, cursor, organizationId);
        if (page is null)
        {
            return invalid!;
        }

        var (listed, problem) = await AskAsync<ListPromptApiPage, PromptApiPageListed>(
            bus, new ListPromptApiPage(NewId.NextGuid(), page.Organization, page.Offset, page.Size), http.RequestAborted);
        return listed is null ? problem! : TypedResults.Ok(new AdminPage<PromptApiDetail>(listed.Apis, page.Next(listed.Total)));
    }

    /// <summary>
    /// The page a registry list asks for: <c>limit</c> (1–200, default 50), <c>cursor</c> (an offset, opaque), and the
    /// organization: the one named by an admin (none: every one), always the actor's own for other roles.
    /// </summary>
    private static (RegistryPage? Page, IResult? Problem) ListPage(HttpContext http, string? limit, string? cursor, Guid? organizationId)
    {
        var actor = AdminActor.Of(http);
        if (!AdminRules.MayEver(actor, AdminOperation.ReadPrompts))
        {
            return (null, AdminProblems.Forbidden());
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var size = DefaultLimit;
        if (limit is not null && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) && size is >= 1 and <= MaxLimit))
        {
            errors["limit"] = [$"must be a whole number from 1 to {MaxLimit}."];
        }

        var offset = UsageEndpoints.Offset(cursor, errors);
        if (errors.Count > 0)
        {
            return (null, AdminProblems.Invalid(errors));
        }

        var organization = AdminRules.SeesAllOrganizations(actor) ? organizationId?.ToString() : actor.OrganizationId.ToString();
        return (new RegistryPage(organization, offset, size), null);
    }

    private sealed record RegistryPage(string? Organization, int Offset, int Size)
    {
        /// <summary>The cursor of the page after this one, or null when this is the last.</summary>
        public string? Next(int total) => Offset + Size < total ? UsageEndpoints.Cursor(Offset + Size) : null;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, IBus bus, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, AdminBody body)
    {
        var (request, invalid) = await body.ReadForAsync<CreatePromptRequest>(http, AdminOperation.ManagePrompts);
        if (request is null)
        {
            return invalid!;
        }

        var actor = AdminActor.Of(http);
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return AdminProblems.Invalid("name", "is required.");
        }

        if (string.Equals(request.Name, ApisSegment, StringComparison.Ordinal))
        {
            return AdminProblems.Invalid("name", $"'{ApisSegment}' is reserved: /admin/prompts/{ApisSegment} lists the published APIs.");
        }

        // An org_admin's prompts are its organization's; only an admin creates another's, or one for the whole deployment.
        var organization = request.OrganizationId ?? (AdminRules.SeesAllOrganizations(actor) ? null : actor.OrganizationId);
        var verdict = organization is { } id
            ? AdminRules.Decide(actor, AdminOperation.ManagePrompts, new AdminTarget(id))
            : AdminRules.SeesAllOrganizations(actor) ? AdminVerdict.Allowed : AdminVerdict.Forbidden;
        if (verdict != AdminVerdict.Allowed)
        {
            return AdminProblems.Of(verdict);
        }

        var (found, problem) = await AskAsync<CreatePrompt, PromptFound>(bus, new CreatePrompt(NewId.NextGuid(), request.Name, organization?.ToString()), http.RequestAborted);
        if (found is null)
        {
            return problem!;
        }

        await RegistryAudit.SaveAsync(http, databases, time, "prompt.created", "prompt", found.Prompt.Name, found.Prompt.OrganizationId, null, new { found.Prompt.Name, found.Prompt.OrganizationId });
        return TypedResults.Created($"{AdminEndpoints.Prefix}/prompts/{Uri.EscapeDataString(found.Prompt.Name)}", found.Prompt);
    }

    private static async Task<IResult> GetAsync(HttpContext http, IBus bus, string name)
    {
        var (prompt, problem) = await FindAsync(http, bus, name, AdminOperation.ReadPrompts);
        return prompt is null ? problem! : TypedResults.Ok(prompt);
    }

    private static async Task<IResult> GetVersionAsync(HttpContext http, IBus bus, string name, int number)
    {
        var (prompt, problem) = await FindAsync(http, bus, name, AdminOperation.ReadPrompts);
        if (prompt is null)
        {
            return problem!;
        }

        return prompt.Versions.FirstOrDefault(v => v.Number == number) is { } version ? TypedResults.Ok(version) : AdminProblems.NotFound;
    }

    private static async Task<IResult> PublishAsync(HttpContext http, IBus bus, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, AdminBody body, string name)
    {
        var (request, invalid) = await body.ReadForAsync<PublishPromptVersionRequest>(http, AdminOperation.ManagePrompts);
        if (request is null)
        {
            return invalid!;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Messages is not { Count: > 0 } messages)
        {
            errors["messages"] = ["at least one {role, content} is required."];
            messages = [];
        }
        else if (messages.Any(m => m.Role is null || m.Content is null))
        {
            errors["messages"] = ["every message needs a role and a content."];
        }

        if (request.Parameters is { } parameters && parameters.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            errors["parameters"] = ["must be a JSON object."];
        }

        if (request.VariablesSchema is { } schema && schema.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            errors["variablesSchema"] = ["must be a JSON Schema object."];
        }

        if (errors.Count > 0)
        {
            return AdminProblems.Invalid(errors);
        }

        var (prompt, problem) = await FindAsync(http, bus, name, AdminOperation.ManagePrompts);
        if (prompt is null)
        {
            return problem!;
        }

        var publish = new PublishPromptVersion(
            NewId.NextGuid(),
            prompt.Name,
            [.. messages.Select(m => new PromptMessageDetail(m.Role!, m.Content!))],
            request.Variables ?? [],
            request.VariablesSchema?.GetRawText(),
            request.Model,
            request.Parameters?.GetRawText(),
            AdminActor.Of(http).Name,
            request.Message ?? "");
        var (published, failed) = await AskAsync<PublishPromptVersion, PromptVersionPublished>(bus, publish, http.RequestAborted);
        if (published is null)
        {
            return failed!;
        }

        await RegistryAudit.SaveAsync(
            http, databases, time, "prompt.version_published", "prompt_version", $"{prompt.Name}/{published.Version.Number}", prompt.OrganizationId, null, published.Version);
        return TypedResults.Created($"{AdminEndpoints.Prefix}/prompts/{Uri.EscapeDataString(prompt.Name)}/versions/{published.Version.Number}", published.Version);
    }

    private static async Task<IResult> MoveLabelAsync(HttpContext http, IBus bus, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, AdminBody body, string name, string label)
    {
        var (request, invalid) = await body.ReadForAsync<MovePromptLabelRequest>(http, AdminOperation.ManagePrompts);
        if (request is null)
        {
            return invalid!;
        }

        if (request.Version is not ({ } version and > 0))
        {
            return AdminProblems.Invalid("version", "a version number (1 or more) is required.");
        }

        return await MoveAsync(http, bus, databases, time, name, new MovePromptLabel(NewId.NextGuid(), name, label, version, request.ExpectedVersion, false, AdminActor.Of(http).Name));
    }

    private static async Task<IResult> RollbackAsync(HttpContext http, IBus bus, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, string name, string label) =>
        await MoveAsync(http, bus, databases, time, name, new MovePromptLabel(NewId.NextGuid(), name, label, null, null, true, AdminActor.Of(http).Name));

    private static async Task<IResult> MoveAsync(HttpContext http, IBus bus, IDbContextFactory<PolicyDbContext> databases, TimeProvider time, string name, MovePromptLabel move)
    {
        var (prompt, problem) = await FindAsync(http, bus, name, AdminOperation.ManagePrompts);
        if (prompt is null)
        {
            return problem!;
        }

        var (moved, failed) = await AskAsync<MovePromptLabel, PromptLabelMoved>(bus, move, http.RequestAborted);
        if (moved is null)
        {
            return failed!;
        }

        var before = prompt.Labels.FirstOrDefault(l => l.Name == move.Label);
        await RegistryAudit.SaveAsync(
            http, databases, time, move.Rollback ? "prompt.label_rolled_back" : "prompt.label_moved", "prompt_label", $"{prompt.Name}/{move.Label}",
            prompt.OrganizationId, before, moved.Label);
        return TypedResults.Ok(moved.Label);
    }

    /// <summary><c>from</c> and <c>to</c>: version numbers; the unified diff of the second against the first.</summary>
    private static async Task<IResult> DiffAsync(HttpContext http, IBus bus, string name, int? from, int? to)
    {
        if (!AdminRules.MayEver(AdminActor.Of(http), AdminOperation.ReadPrompts))
        {
            return AdminProblems.Forbidden();
        }

        if (from is not > 0 || to is not > 0)
        {
            return AdminProblems.Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                [from is not > 0 ? "from" : "to"] = ["a version number (1 or more) is required."],
            });
        }

        var (prompt, problem) = await FindAsync(http, bus, name, AdminOperation.ReadPrompts);
        if (prompt is null)
        {
            return problem!;
        }

        var (diffed, failed) = await AskAsync<DiffPromptVersions, PromptVersionsDiffed>(bus, new DiffPromptVersions(NewId.NextGuid(), name, from.Value, to.Value), http.RequestAborted);
        return diffed is null ? failed! : TypedResults.Ok(diffed);
    }

    private static async Task<IResult> PreviewAsync(HttpContext http, IBus bus, AdminBody body, string name)
    {
        var (request, invalid) = await body.ReadForAsync<PreviewPromptRequest>(http, AdminOperation.PreviewPrompts);
        if (request is null)
        {
            return invalid!;
        }

        if (request.Variables is { } given && given.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return AdminProblems.Invalid("variables", "must be a JSON object.");
        }

        var (prompt, problem) = await FindAsync(http, bus, name, AdminOperation.PreviewPrompts);
        if (prompt is null)
        {
            return problem!;
        }

        var preview = new PreviewPrompt(NewId.NextGuid(), name, request.Version, request.Label, request.Variables?.GetRawText() ?? "{}");
        var (previewed, failed) = await AskAsync<PreviewPrompt, PromptPreviewed>(bus, preview, http.RequestAborted);
        return previewed is null ? failed! : TypedResults.Ok(previewed);
    }

    /// <summary>The prompt, when the actor may do <paramref name="operation"/> to it; else the answer to give (403, 404, 503).</summary>
    internal static async Task<(PromptDetail? Prompt, IResult? Problem)> FindAsync(HttpContext http, IBus bus, string name, AdminOperation operation)
    {
        var actor = AdminActor.Of(http);
        if (!AdminRules.MayEver(actor, operation))
        {
            return (null, AdminProblems.Forbidden());
        }

        var (found, problem) = await AskAsync<GetPrompt, PromptFound>(bus, new GetPrompt(NewId.NextGuid(), name), http.RequestAborted);
        if (found is null)
        {
            return (null, problem);
        }

        // A prompt of the whole deployment (no organization) sits in no tenant: only a role that reaches all sees it.
        var organization = Guid.TryParse(found.Prompt.OrganizationId, out var id) ? id : Guid.Empty;
        var verdict = AdminRules.Decide(actor, operation, new AdminTarget(organization));
        return verdict == AdminVerdict.Allowed ? (found.Prompt, null) : (null, AdminProblems.Of(verdict));
    }

    /// <summary>Asks the prompts service; its refusal as a problem (a missing prompt as the one fixed 404), silence as 503.</summary>
    internal static async Task<(TAnswer? Answer, IResult? Problem)> AskAsync<TRequest, TAnswer>(IBus bus, TRequest request, CancellationToken cancellationToken)
        where TRequest : class
        where TAnswer : class
    {
        var client = bus.CreateRequestClient<TRequest>(Endpoints.PromptsAdminAddress, RequestTimeout.After(s: (int)AskTimeout.TotalSeconds));
        try
        {
            var response = await client.GetResponse<TAnswer, PromptRequestFailed>(request, cancellationToken);
            if (response.Is(out Response<TAnswer>? answer))
            {
                return (answer.Message, null);
            }

            if (!response.Is(out Response<PromptRequestFailed>? refusal))
            {
                throw new InvalidOperationException("The prompts service answered with an unexpected message type.");
            }

            var failed = refusal.Message;
            return (null, failed.Code == "prompt_not_found"
                ? AdminProblems.NotFound
                : TypedResults.Problem(
                    statusCode: failed.Status,
                    title: ReasonPhrases.GetReasonPhrase(failed.Status),
                    detail: failed.Message,
                    extensions: new Dictionary<string, object?>(StringComparer.Ordinal) { ["code"] = failed.Code }));
        }
        catch (RequestTimeoutException)
        {
            return (null, TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable",
                detail: "Prompts are not available: the prompts service did not answer; retry shortly."));
        }
    }
}
