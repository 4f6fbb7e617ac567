using AiMesh.Contracts.Policy;
using AiMesh.Hosting.Limits;
using AiMesh.Policy.Keys;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy.Budgets;

/// <summary>
/// Budgets (<see cref="BudgetOptions"/>): reserve, then settle. At admission a request reserves its worst-case cost
/// (input estimate × input price + <c>max_tokens</c> × output price, at <see cref="BudgetOptions.Prices"/>) in every
/// budget that applies to its caller, all or nothing; a hard budget refuses it when spent + reserved + this would pass
/// the amount. When it ends the saga's <see cref="SettleRequest"/> brings the router's cost: that is added to the
/// durable spend (<see cref="BudgetSpendStore"/>) and the reservation released. So concurrent requests against a budget
/// are admitted only while their reservations fit, and the spend can pass the amount only by what the reservations
/// under-estimated. Spend crossing a soft threshold is announced once (<see cref="BudgetAlerts"/>).
/// </summary>
internal sealed class BudgetGuard(
    IOptions<BudgetOptions> options,
    BudgetReservations reservations,
    SharedBudgets shared,
    Limits.LimitMetrics limitMetrics,
    BudgetSpendStore store,
    BudgetAlerts alerts,
    BudgetMetrics metrics,
    RouterPrices routerPrices,
    Limits.EntityRules entities,
    SharedStoreGuard guard,
    TimeProvider time,
    ILogger<BudgetGuard> logger)
{
    private const char Separator = '|';
    private readonly BudgetOptions settings = options.Value;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task>> loading = new(StringComparer.Ordinal);

    private static readonly BudgetScope[] Scopes = [BudgetScope.Key, BudgetScope.User, BudgetScope.Team, BudgetScope.Org];

    public bool HasRules => settings.Rules.Count > 0 || entities.HasBudgets;

    public async Task<BudgetDecision> ReserveAsync(AuthorizeRequest request, KeyGrant grant, CancellationToken cancellationToken)
    {
        if (!HasRules || request.Operation is not ("chat.completions" or "embeddings"))
        {
            return BudgetDecision.None;
        }

        var now = time.GetUtcNow();
        var rules = Applicable(grant, now);
        var budgets = new List<(string Key, decimal? Limit)>(rules.Count);
        foreach (var (key, rule, _) in rules)
        {
            budgets.Add((key, rule.Hard ? rule.Amount : null));
        }

        if (budgets.Count == 0)
        {
            return BudgetDecision.None;
        }

        // Once per budget period and process: the decision otherwise never waits on the database.
        foreach (var (key, _) in budgets)
        {
            if (!reservations.IsLoaded(key))
            {
                await LoadOnceAsync(key, cancellationToken);
            }
        }

        var cost = WorstCase(request);
        var holdUntilMs = (request.Route?.Deadline ?? now + settings.ReservationHold).ToUnixTimeMilliseconds() + 60_000;
        var expired = new List<(string Key, decimal Amount)>();
        var refused = await ReserveSharedAsync(budgets, request.RequestId, cost, now.ToUnixTimeMilliseconds(), holdUntilMs, expired, cancellationToken)
            ?? reservations.Reserve(budgets, request.RequestId, cost, now.ToUnixTimeMilliseconds(), holdUntilMs, expired);
        await ChargeExpiredAsync(expired, cancellationToken);
        if (refused >= 0)
        {
            var rule = rules[refused].Rule;
            metrics.Rejected(rule.Scope);
            PolicyLog.BudgetExceeded(logger, request.RequestId, BudgetMetrics.Name(rule.Scope));
            var retryAfter = BudgetPeriods.End(rule.Period, now) is { } end ? (int)Math.Max(1, Math.Ceiling((end - now).TotalSeconds)) : (int?)null;
            var until = rule.Period == BudgetPeriod.Total ? "" : " Retry after the time in the Retry-After header, when its period ends.";
            return new BudgetDecision(false, null, 0, $"Budget exceeded: the {BudgetMetrics.Name(rule.Scope)}'s {rule.Period.ToString().ToLowerInvariant()} budget of {rule.Amount} has no room for this request.{until}", retryAfter);
        }

        return new BudgetDecision(true, [.. budgets.Select(b => b.Key)], cost);
    }

    /// <summary>
    /// Reads a budget period's spend once however many requests need it at the same moment: a burst's first requests on a
    /// replica (a new period, a new budget, a fresh replica) share one read instead of each making the same query, which
    /// on a loaded database held them all. A failed read is not kept: the next request tries again.
    /// </summary>
    private async Task LoadOnceAsync(string key, CancellationToken cancellationToken)
    {
        var load = loading.GetOrAdd(key, k => new Lazy<Task>(() => LoadAsync(k), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            await load.Value.WaitAsync(cancellationToken);
        }
        finally
        {
            if (load.Value.IsCompleted)
            {
                loading.TryRemove(KeyValuePair.Create(key, load));
            }
        }
    }

    private async Task LoadAsync(string key)
    {
        var (budget, period) = Split(key);

        // Shared by every waiting request: not cancelled when the first of them gives up.
        reservations.Load(key, await store.SpentAsync(budget, period, CancellationToken.None));
    }

    /// <summary>The request was admitted by its budgets but refused by something after them: its reservations go, uncharged.</summary>
    public void Release(BudgetDecision decision, Guid requestId)
    {
        if (decision.Budgets is { } keys)
        {
            reservations.Release(keys, requestId);
            if (shared.Store is { } store)
            {
                _ = Task.WhenAll(keys.Select(k => store.SettleAsync(k, requestId, null))).ContinueWith(
                    t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// With Redis, the reservation is made there, shared by every replica; a Redis that fails, is slow
    /// (<see cref="Limits.LimitOptions.StoreTimeout"/>, as for the rate limits) or rests after failures in a row
    /// (<see cref="SharedStoreGuard"/>, shared with the rate limits) makes this decision reserve in the replica's memory
    /// instead, counted as a local fallback of the limiter.
    /// </summary>
    private async Task<int?> ReserveSharedAsync(List<(string Key, decimal? Limit)> budgets, Guid requestId, decimal cost, long nowMs, long holdUntilMs, List<(string Key, decimal Amount)> expired, CancellationToken cancellationToken)
    {
        if (shared.Store is not { } store)
        {
            return null;
        }

        var withSpend = budgets.Select(b => (b.Key, b.Limit, reservations.Standing(b.Key).Spent)).ToList();
        var (reserved, refused) = await guard.TryAsync(_ => store.ReserveAsync(withSpend, requestId, cost, nowMs, holdUntilMs, expired), cancellationToken);
        if (!reserved)
        {
            limitMetrics.FellBack(StoreDownChoice.Local);
            return null;
        }

        return refused;
    }

    /// <summary>
    /// Charges the ended request's cost (the router's; when unknown, the reservation: a budget errs on its own side) to
    /// each of its budgets, durably first: a store that fails throws, and the bus retries the settle, so spend is never
    /// dropped silently (a retry after a partial write counts the written budgets twice, erring the same way).
    /// </summary>
    public async Task SettleAsync(SettleRequest settle, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        if (settle.Settlement.Budgets is not { Count: > 0 } keys)
        {
            return;
        }

        var cost = settle.Cost?.Amount ?? settle.Settlement.ReservedCost;
        foreach (var key in keys)
        {
            var (budget, period) = Split(key);
            var total = await store.AddAsync(budget, period, cost, cancellationToken);
            reservations.Settled(key, settle.RequestId, cost, total);
            if (shared.Store is { } redis)
            {
                try
                {
                    await redis.SettleAsync(key, settle.RequestId, total);
                }
                catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
                {
                    // The spend is in the store; the shared reservation expires and is charged again: an overcount, never a loss.
                    PolicyLog.SettleFailed(logger, settle.RequestId, ex.GetType().Name);
                }
            }

            await AnnounceAsync(budget, period, total - cost, total, settle.Cost?.Currency, publish, cancellationToken);
        }
    }

    private async Task AnnounceAsync(string budget, string period, decimal before, decimal after, string? currency, IPublishEndpoint publish, CancellationToken cancellationToken)
    {
        if (RuleFor(budget, period) is { } rule)
        {
            foreach (var threshold in rule.SoftThresholds.Distinct())
            {
                var at = rule.Amount * threshold / 100m;
                if (before < at && after >= at && await store.ClaimThresholdAsync(budget, period, threshold, cancellationToken))
                {
                    await alerts.AnnounceAsync(rule, budget, period, threshold, after, currency, publish, cancellationToken);
                }
            }
        }
    }

    private async Task ChargeExpiredAsync(List<(string Key, decimal Amount)> expired, CancellationToken cancellationToken)
    {
        foreach (var (key, amount) in expired)
        {
            metrics.Expired();
            var (budget, period) = Split(key);
            var scope = budget[..budget.IndexOf(':', StringComparison.Ordinal)];
            PolicyLog.ReservationExpired(logger, scope, amount);
            try
            {
                await store.AddAsync(budget, period, amount, cancellationToken);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                PolicyLog.ExpiredChargeFailed(logger, amount, scope, ex.GetType().Name);
            }
        }
    }

    private decimal WorstCase(AuthorizeRequest request)
    {
        if (request.Model is not { } model)
        {
            return 0;
        }

        // Configured prices override; else the routers' ceiling for the model; else nothing is reserved.
        var (input, outputPrice) = settings.Prices.TryGetValue(model, out var price) ? (price.Input, price.Output)
            : routerPrices.For(model) is { } ceiling ? (ceiling.InputPerMillion, ceiling.OutputPerMillion)
            : (0m, 0m);
        var output = request.MaxOutputTokens ?? settings.DefaultMaxOutputTokens;
        return ((request.InputTokens ?? 0) * input + output * outputPrice) / 1_000_000m;
    }

    /// <summary>
    /// The budgets this caller's request counts against now, one rule per budget (subject and period): of the rules
    /// that would count the same spend, one set through the admin API wins (rank 2), then a configured rule naming the
    /// subject (1), then a configured rule for every subject of its scope (0). Two would reserve the request twice.
    /// </summary>
    private List<(string Key, BudgetRule Rule, int Rank)> Applicable(KeyGrant grant, DateTimeOffset now)
    {
        var chosen = new List<(string Key, BudgetRule Rule, int Rank)>();
        foreach (var rule in settings.Rules)
        {
            if (NameOf(rule.Scope, grant) is { } budget && (rule.Match is null || string.Equals(rule.Match, ValueOf(rule.Scope, grant), StringComparison.Ordinal)))
            {
                Offer(chosen, budget + Separator + BudgetPeriods.Name(rule.Period, now), rule, rule.Match is null ? 0 : 1);
            }
        }

        if (entities.HasBudgets)
        {
            foreach (var scope in Scopes)
            {
                if (NameOf(scope, grant) is { } budget)
                {
                    foreach (var rule in entities.Budgets(scope, ValueOf(scope, grant)))
                    {
                        Offer(chosen, budget + Separator + BudgetPeriods.Name(rule.Period, now), rule, 2);
                    }
                }
            }
        }

        return chosen;
    }

    private static void Offer(List<(string Key, BudgetRule Rule, int Rank)> chosen, string key, BudgetRule rule, int rank)
    {
        for (var i = 0; i < chosen.Count; i++)
        {
            if (string.Equals(chosen[i].Key, key, StringComparison.Ordinal))
            {
                if (rank > chosen[i].Rank)
                {
                    chosen[i] = (key, rule, rank);
                }

                return;
            }
        }

        chosen.Add((key, rule, rank));
    }

    /// <summary>The rule that governs this budget's period now, by the precedence of <see cref="Applicable"/>; null when none does (any more).</summary>
    private BudgetRule? RuleFor(string budget, string period)
    {
        BudgetRule? best = null;
        var rank = -1;
        foreach (var rule in settings.Rules)
        {
            var mine = rule.Match is null ? 0 : 1;
            if (mine > rank && Covers(rule, budget, period))
            {
                (best, rank) = (rule, mine);
            }
        }

        var colon = budget.IndexOf(':', StringComparison.Ordinal);
        if (entities.HasBudgets && colon > 0)
        {
            var scope = Scopes.FirstOrDefault(s => budget.AsSpan(0, colon).SequenceEqual(BudgetMetrics.Name(s)), (BudgetScope)(-1));
            var value = scope == BudgetScope.User ? budget : budget[(colon + 1)..];
            foreach (var rule in scope < 0 ? [] : entities.Budgets(scope, value))
            {
                if (Covers(rule, budget, period))
                {
                    return rule;
                }
            }
        }

        return best;
    }

    /// <summary>Whether the rule is about this budget (scope and value) and period kind.</summary>
    private static bool Covers(BudgetRule rule, string budget, string period)
    {
        var prefix = BudgetMetrics.Name(rule.Scope) + ":";
        if (!budget.StartsWith(prefix, StringComparison.Ordinal) || !period.StartsWith(rule.Period.ToString().ToLowerInvariant(), StringComparison.Ordinal))
        {
            return false;
        }

        var value = rule.Scope == BudgetScope.User ? budget : budget[prefix.Length..];
        return rule.Match is null || string.Equals(rule.Match, value, StringComparison.Ordinal);
    }

    /// <summary>The budget's name: its scope and value (<c>key:…</c>, <c>user:…</c>, <c>team:…</c>, <c>org:…</c>).</summary>
    private static string? NameOf(BudgetScope scope, KeyGrant grant) => ValueOf(scope, grant) is not { } value ? null : scope switch
    {
        BudgetScope.User => value,
        _ => BudgetMetrics.Name(scope) + ":" + value,
    };

    private static string? ValueOf(BudgetScope scope, KeyGrant grant) => scope switch
    {
        BudgetScope.Key => grant.KeyId,
        BudgetScope.User => grant.Principal.StartsWith("user:", StringComparison.Ordinal) ? grant.Principal : null,
        BudgetScope.Team => grant.Team,
        _ => grant.Organization,
    };

    private static (string Budget, string Period) Split(string key)
    {
        var at = key.LastIndexOf(Separator);
        return (key[..at], key[(at + 1)..]);
    }
}
