using AiMesh.Contracts.Policy;
using AiMesh.Hosting.Limits;
using AiMesh.Policy.Keys;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Limits;

/// <summary>
/// Decides an admitted caller's rate limits (<see cref="LimitOptions"/>): which rules apply to this request, one
/// all-or-nothing charge of their counters in the store, and the caller's standing for the headers. Only calls that
/// reach a provider count (chat completions and embeddings; listing models or counting tokens do not).
/// <para>
/// With Redis as the store, a failed or slow call (<see cref="LimitOptions.StoreTimeout"/>) makes each rule take its
/// <see cref="LimitRule.OnStoreDown"/> choice for this decision; after three in a row, also for the next
/// <see cref="LimitOptions.StoreRetryAfter"/> (<see cref="SharedStoreGuard"/>, shared with the budgets): count locally
/// against this replica's share, admit, or refuse with 503. Every such decision is counted (<c>aimesh.policy.ratelimit.store_fallbacks</c>).
/// </para>
/// </summary>
internal sealed class RateLimiter(
    IOptions<LimitOptions> options,
    ILimitStore store,
    MemoryLimitStore local,
    SharedStoreGuard guard,
    EntityRules entities,
    LimitMetrics metrics,
    TimeProvider time,
    ILogger<RateLimiter> logger)
{
    private const long Second = 1000;
    private const long Minute = 60 * Second;

    private readonly LimitOptions settings = options.Value;
    private readonly bool shared = options.Value.Store == LimitStoreKind.Redis;

    /// <summary>The scopes a limit can be set for through the admin API (<see cref="EntityRules"/>).</summary>
    private static readonly LimitScope[] EntityScopes = [LimitScope.Key, LimitScope.User, LimitScope.Team, LimitScope.Org];

    /// <summary>
    /// A published prompt API's own limit (<see cref="AuthorizeRequest.ApiRequestsPerMinute"/>): one window per API
    /// (<c>prompt:{name}</c>), whoever calls. It counts like a configured rule of model scope, in the same store.
    /// </summary>
    private static readonly LimitRule PromptApiRule = new() { Scope = LimitScope.Model, OnStoreDown = StoreDownChoice.Local };

    public bool HasRules => settings.Rules.Count > 0 || entities.HasLimits;

    /// <summary>Whether this request has any limit to decide: configured or set rules, or a prompt API's own.</summary>
    public bool Applies(AuthorizeRequest request) => HasRules || request?.ApiRequestsPerMinute is not null;

    public async Task<LimitDecision> DecideAsync(AuthorizeRequest request, KeyGrant grant, CancellationToken cancellationToken)
    {
        if (!Applies(request) || request.Operation is not ("chat.completions" or "embeddings"))
        {
            return LimitDecision.None;
        }

        var counters = new List<LimitCounter>();
        var rules = new List<LimitRule>();
        var tokens = (request.InputTokens ?? 0) + (request.MaxOutputTokens ?? settings.DefaultMaxOutputTokens);
        var withEntities = entities.HasLimits;
        for (var r = 0; r < settings.Rules.Count; r++)
        {
            var rule = settings.Rules[r];
            if (ValueOf(rule.Scope, request, grant) is not { } value || (rule.Match is { } match && !string.Equals(match, value, StringComparison.Ordinal)))
            {
                continue;
            }

            // A kind the admin API set for this subject replaces the configured one (EntityRules).
            var set = withEntities ? entities.Limit(rule.Scope, value) : null;
            var name = $"{r}:{rule.Scope}:{value}";
            Add(counters, rules, rule, set?.RequestsPerSecond is null ? rule.RequestsPerSecond : null, $"rps:{name}", 1, Second, LimitKind.Requests);
            Add(counters, rules, rule, set?.RequestsPerMinute is null ? rule.RequestsPerMinute : null, $"rpm:{name}", 1, Minute, LimitKind.Requests);
            Add(counters, rules, rule, set?.TokensPerMinute is null ? rule.TokensPerMinute : null, $"tpm:{name}", tokens, Minute, LimitKind.Tokens);
            Add(counters, rules, rule, set?.Concurrent is null ? rule.Concurrent : null, $"cc:{name}", 1, 0, LimitKind.Concurrent);
        }

        if (withEntities)
        {
            foreach (var scope in EntityScopes)
            {
                if (ValueOf(scope, request, grant) is { } value && entities.Limit(scope, value) is { } rule)
                {
                    var name = $"e:{scope}:{value}";
                    Add(counters, rules, rule, rule.RequestsPerSecond, $"rps:{name}", 1, Second, LimitKind.Requests);
                    Add(counters, rules, rule, rule.RequestsPerMinute, $"rpm:{name}", 1, Minute, LimitKind.Requests);
                    Add(counters, rules, rule, rule.TokensPerMinute, $"tpm:{name}", tokens, Minute, LimitKind.Tokens);
                    Add(counters, rules, rule, rule.Concurrent, $"cc:{name}", 1, 0, LimitKind.Concurrent);
                }
            }
        }

        if (request.ApiRequestsPerMinute is { } apiLimit && request.Model is { } api)
        {
            Add(counters, rules, PromptApiRule, apiLimit, $"rpm:api:{api}", 1, Minute, LimitKind.Requests);
        }

        if (counters.Count == 0)
        {
            return LimitDecision.None;
        }

        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var holdUntilMs = (request.Route?.Deadline ?? time.GetUtcNow() + settings.SlotHold).ToUnixTimeMilliseconds() + Minute;
        var charge = shared
            ? (await guard.TryAsync(token => store.ChargeAsync(counters, request.RequestId, nowMs, holdUntilMs, token), cancellationToken)).Value
            : null;
        var isLocal = charge is null;
        if (isLocal)
        {
            if (shared)
            {
                if (Fallback(counters, rules) is { } refused)
                {
                    return refused;
                }

                counters = [.. counters.Select((c, i) => (c, i)).Where(x => rules[x.i].OnStoreDown == StoreDownChoice.Local).Select(x => x.c with { Limit = SharedStoreGuard.ShareOf(x.c.Limit, settings.Replicas) })];
                rules = [.. rules.Where(r => r.OnStoreDown == StoreDownChoice.Local)];
            }

            charge = local.Charge(counters, request.RequestId, nowMs, holdUntilMs);
        }

        var state = StateOf(counters, charge!, nowMs);
        if (!charge!.Admitted)
        {
            var over = counters[charge.Refused];
            metrics.Rejected(over.Kind, rules[charge.Refused].Scope);
            PolicyLog.RateLimited(logger, request.RequestId, over.Kind.ToString());
            var retryAfter = over.IsConcurrency ? 1 : (int)Math.Max(1, Math.Ceiling((over.WindowStart(nowMs) + over.WindowMs - nowMs) / 1000.0));
            return new LimitDecision(false, state, null, 429, "rate_limit_exceeded", Explain(over), retryAfter);
        }

        var slots = counters.Where(c => c.IsConcurrency).Select(c => c.Key).ToArray();
        var windows = counters.Where(c => c.Kind == LimitKind.Tokens).Select(c => c.WindowKey(nowMs)).ToArray();
        var settlement = slots.Length > 0 || windows.Length > 0 ? new LimitSettlement(slots, windows, tokens, isLocal && shared) : null;
        return new LimitDecision(true, state, settlement);
    }

    public Task SettleAsync(SettleRequest settle, CancellationToken cancellationToken)
    {
        var delta = settle.UsedTokens is { } used ? used - settle.Settlement.ChargedTokens : 0;
        var target = settle.Settlement.Local || !shared ? (ILimitStore)local : store;
        return target.SettleAsync(settle.Settlement.Slots, settle.Settlement.TokenWindows, delta, settle.RequestId, cancellationToken);
    }

    /// <summary>The shared store is out of reach: a rule that fails closed refuses; the others are counted as fallbacks.</summary>
    private LimitDecision? Fallback(List<LimitCounter> counters, List<LimitRule> rules)
    {
        foreach (var choice in rules.Select(r => r.OnStoreDown).Distinct())
        {
            metrics.FellBack(choice);
        }

        return rules.Any(r => r.OnStoreDown == StoreDownChoice.Closed)
            ? new LimitDecision(false, null, null, 503, "rate_limiter_unavailable", "Rate limits cannot be checked right now; retry shortly.", 1)
            : null;
    }

    private static void Add(List<LimitCounter> counters, List<LimitRule> rules, LimitRule rule, int? limit, string key, long amount, long windowMs, LimitKind kind)
    {
        if (limit is { } value)
        {
            counters.Add(new LimitCounter(key, value, amount, windowMs, kind));
            rules.Add(rule);
        }
    }

    private static string? ValueOf(LimitScope scope, AuthorizeRequest request, KeyGrant grant) => scope switch
    {
        LimitScope.Key => grant.KeyId,
        LimitScope.User => grant.Principal.StartsWith("user:", StringComparison.Ordinal) ? grant.Principal : null,
        LimitScope.Team => grant.Team,
        LimitScope.Org => grant.Organization,
        LimitScope.Model => request.Model,
        LimitScope.ClientAddress => request.ClientAddress,
        _ => "*",
    };

    /// <summary>The tightest request window and the tightest token window (least remaining), as the headers report them.</summary>
    private static RateLimitState StateOf(List<LimitCounter> counters, LimitCharge charge, long nowMs)
    {
        (long Limit, long Remaining, long ResetMs)? requests = null, tokens = null;
        for (var i = 0; i < counters.Count; i++)
        {
            var counter = counters[i];
            if (counter.IsConcurrency)
            {
                continue;
            }

            var standing = (counter.Limit, Math.Max(0, counter.Limit - charge.Counts[i]), counter.WindowStart(nowMs) + counter.WindowMs - nowMs);
            ref var tightest = ref counter.Kind == LimitKind.Tokens ? ref tokens : ref requests;
            if (tightest is null || standing.Item2 < tightest.Value.Remaining)
            {
                tightest = standing;
            }
        }

        return new RateLimitState(requests?.Limit, requests?.Remaining, requests?.ResetMs, tokens?.Limit, tokens?.Remaining, tokens?.ResetMs);
    }

    private static string Explain(LimitCounter over) => over.Kind switch
    {
        LimitKind.Requests => $"Rate limit reached: {over.Limit} requests per {(over.WindowMs == Second ? "second" : "minute")}. Retry after the time in the Retry-After header.",
        LimitKind.Tokens => $"Rate limit reached: {over.Limit} tokens per minute. Retry after the time in the Retry-After header.",
        _ => $"Rate limit reached: {over.Limit} requests in flight at once. Retry when one has finished.",
    };
}
