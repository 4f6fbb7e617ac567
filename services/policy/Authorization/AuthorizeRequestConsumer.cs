using AiMesh.Contracts;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Routing;
using AiMesh.Hosting.Security;
using AiMesh.Policy.Budgets;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Limits;
using AiMesh.Policy.Principals;
using MassTransit;

namespace AiMesh.Policy.Authorization;

/// <summary>
/// Decides whether a credential may perform an operation, from memory only: configured keys (<see cref="KeyRing"/>)
/// and stored keys (<see cref="StoredKeys"/>), both looked up by the credential's hash. Unknown, revoked, disabled
/// and expired keys, and a client address outside the key's allowlist, all get the very same 401, so an answer
/// never tells which keys exist. (The lookup is by SHA-256: timing can at most tell that some key has a hash near
/// the one sent, which says nothing about any secret.) A model the key may not use is reported as not found,
/// exactly like a model that does not exist, so keys cannot probe the catalog.
/// <para>
/// When the saga attached its routing request (<see cref="AuthorizeRequest.Route"/>), an admitted request goes
/// from here to the router, and the saga hears of it only as <see cref="RequestAuthorized.Routed"/>: one bus hop
/// and one saga step fewer before the provider is called. A denied request goes nowhere.
/// </para>
/// <para>
/// Budgets (<see cref="BudgetGuard"/>) and then rate limits (<see cref="RateLimiter"/>) are checked last, for a caller
/// already admitted: a bad key never uses up anyone's quota or budget, and a refused request charges none of its
/// counters and holds no reservation.
/// </para>
/// </summary>
internal sealed class AuthorizeRequestConsumer(
    KeyRing keys,
    StoredKeys stored,
    PrincipalGrants principals,
    FailedAttempts failures,
    RateLimiter limits,
    BudgetGuard budgets,
    TimeProvider time,
    PolicyMetrics metrics,
    ILogger<AuthorizeRequestConsumer> logger) : IConsumer<AuthorizeRequest>
{
    public Task Consume(ConsumeContext<AuthorizeRequest> context)
    {
        var request = context.Message;
        if (failures.HeldFor(request.ClientAddress) is { } retryAfter)
        {
            PolicyLog.AddressHeld(logger, request.RequestId, retryAfter);
            metrics.Denied(PolicyMetrics.Reasons.AddressHeld);
            return context.RespondAsync(new RequestDenied(
                request.RequestId, 429, "too_many_failed_attempts",
                "Too many requests from this address were refused for their credentials; retry later.", retryAfter));
        }

        var hash = request.CredentialHash ?? "";
        // A principal the ingress verified (JWT, client certificate) gets its grant from configuration, not a key.
        var grant = request.Principal is { } principal ? principals.GrantFor(principal) : keys.Find(hash) ?? stored.Find(hash);
        if (grant is null && !stored.IsLoaded)
        {
            // Not "unknown": policy cannot tell yet. Every key not in configuration gets this, so it reveals nothing.
            PolicyLog.StoreNotLoaded(logger, request.RequestId);
            metrics.Denied(PolicyMetrics.Reasons.NotReady);
            return context.RespondAsync(new RequestDenied(
                request.RequestId, 503, "policy_unavailable", "Authorization is not available yet; retry shortly.", RetryAfterSeconds: 1));
        }

        if (grant is null || !grant.Admits(time.GetUtcNow(), request.ClientAddress))
        {
            PolicyLog.KeyRejected(logger, request.RequestId, request.Operation);
            failures.Failed(request.ClientAddress);
            metrics.Denied(PolicyMetrics.Reasons.InvalidCredential);
            return context.RespondAsync(new RequestDenied(
                request.RequestId, 401, "invalid_api_key", "Incorrect API key provided."));
        }

        if (request.Model is { } model && !grant.Allows(model))
        {
            PolicyLog.ModelDenied(logger, request.RequestId, grant.KeyId);
            metrics.Denied(PolicyMetrics.Reasons.ModelNotAllowed);
            return context.RespondAsync(new RequestDenied(
                request.RequestId, 404, "model_not_found", $"The model '{model}' does not exist or you do not have access to it."));
        }

        return limits.Applies(request) || budgets.HasRules ? AdmitWithinLimitsAsync(context, grant) : AdmitAsync(context, grant, LimitDecision.None);
    }

    /// <summary>
    /// An admitted caller with budgets or rate limits configured: refused (429 <c>budget_exceeded</c> or
    /// <c>rate_limit_exceeded</c>, or 503 when the limiter fails closed) or admitted with its standing and what to settle.
    /// </summary>
    private async Task AdmitWithinLimitsAsync(ConsumeContext<AuthorizeRequest> context, KeyGrant grant)
    {
        var request = context.Message;
        var budget = await budgets.ReserveAsync(request, grant, context.CancellationToken);
        if (!budget.Admitted)
        {
            metrics.Denied(PolicyMetrics.Reasons.BudgetExceeded);
            await context.RespondAsync(new RequestDenied(request.RequestId, 429, "budget_exceeded", budget.Message!, budget.RetryAfterSeconds));
            return;
        }

        var decision = await limits.DecideAsync(request, grant, context.CancellationToken);
        if (!decision.Admitted)
        {
            budgets.Release(budget, request.RequestId);
            metrics.Denied(decision.Status == 429 ? PolicyMetrics.Reasons.RateLimited : PolicyMetrics.Reasons.LimiterUnavailable);
            await context.RespondAsync(new RequestDenied(
                request.RequestId, decision.Status, decision.Code!, decision.Message!, decision.RetryAfterSeconds, decision.State));
            return;
        }

        if (budget.Budgets is { } charged)
        {
            var settlement = decision.Settlement ?? new LimitSettlement([], [], 0);
            decision = decision with { Settlement = settlement with { Budgets = charged, ReservedCost = budget.Reserved } };
        }

        try
        {
            await AdmitAsync(context, grant, decision);
        }
        catch (Exception) when (decision.Settlement is not null)
        {
            // The route or the answer did not leave, so the saga hears a fault (503) and never settles: give back what
            // this request holds now, or its budget reservations would be charged in full when they expire for a request
            // that never ran. (A route that did leave is abandoned by the saga; should it run anyway, its settle charges
            // its real cost.)
            budgets.Release(budget, request.RequestId);
            await ReleaseSlotsAsync(request.RequestId, decision.Settlement);
            throw;
        }
    }

    private async Task ReleaseSlotsAsync(Guid requestId, LimitSettlement settlement)
    {
        try
        {
            await limits.SettleAsync(new SettleRequest(requestId, settlement, null), CancellationToken.None);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            PolicyLog.SettleFailed(logger, requestId, ex.GetType().Name);
        }
    }

    private Task AdmitAsync(ConsumeContext<AuthorizeRequest> context, KeyGrant grant, LimitDecision limits)
    {
        var request = context.Message;
        metrics.Admitted();
        var models = grant.Models?.Order(StringComparer.Ordinal).ToArray();
        // The key's and team's tags and the allowed regions go with the route: the router's rules match the tags, and it
        // only ever calls deployments in those regions.
        return request.Route is { } route
            ? AdmitAndRouteAsync(context, route with
            {
                PrincipalId = grant.Principal,
                KeyId = grant.KeyId,
                TeamId = grant.Team,
                OrganizationId = grant.Organization,
                KeyTags = grant.KeyTags,
                TeamTags = grant.TeamTags,
                Regions = grant.Regions,
            }, new RequestAuthorized(
                request.RequestId, grant.Principal, grant.KeyId, models, grant.Team, Routed: true, limits.State, limits.Settlement, grant.Organization, grant.LogBodies,
                grant.KeyTags, grant.TeamTags, grant.Regions))
            : context.RespondAsync(new RequestAuthorized(request.RequestId, grant.Principal, grant.KeyId, models, grant.Team, Limits: limits.State, Settlement: limits.Settlement,
                OrganizationId: grant.Organization, LogBodies: grant.LogBodies, KeyTags: grant.KeyTags, TeamTags: grant.TeamTags, Regions: grant.Regions));
    }

    /// <summary>
    /// Sends the admitted request on to the router as the saga would have, under the saga's request id and answer
    /// address, so the router's answer (or its fault) goes straight to the saga. The route leaves first: should it not
    /// reach the broker, this throws and the saga gets the fault (503) with nothing started; the answer that follows
    /// only tells the saga to wait for the router.
    /// </summary>
    private static async Task AdmitAndRouteAsync(ConsumeContext<AuthorizeRequest> context, RouteCompletion route, RequestAuthorized authorized)
    {
        var router = await context.GetSendEndpoint(Endpoints.RouterAddress);
        await router.Send(route, send =>
        {
            send.RequestId = context.RequestId;
            send.ResponseAddress = context.ResponseAddress;
            send.FaultAddress = context.FaultAddress ?? context.ResponseAddress;
        });
        await context.RespondAsync(authorized);
    }
}
