using System.Diagnostics.Metrics;
using System.Text.Json;
using AiMesh.Contracts.Routing;
using AiMesh.Hosting.Metrics;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Telemetry;

/// <summary>
/// The router's meter: provider attempts by deployment and outcome, errors by deployment and error class, the duration
/// of provider calls, and requests refused before any call by error code. Every label comes from configuration (a
/// deployment's name and provider) or a closed set (<see cref="FailureKind"/>, the upstream error kinds, the router's
/// error codes); never a model name a client typed, a request id or a provider's text.
/// </summary>
internal sealed class RouterMetrics
{
    public const string MeterName = "AiMesh.Router";

    private readonly Counter<long> _attempts;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _limitFallbacks;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _circuits;
    private readonly Counter<long> _budgetSpent;
    private readonly Counter<long> _healthChecks;

    public RouterMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _attempts = meter.CreateCounter<long>("aimesh.router.attempts", "{attempt}", "Calls to providers, by deployment and how the request ended");
        _errors = meter.CreateCounter<long>("aimesh.router.errors", "{error}", "Provider calls that failed, by deployment and error class (client cancellations are not errors)");
        _circuits = meter.CreateCounter<long>("aimesh.router.circuit.transitions", "{transition}", "Deployment circuits opening and closing, by deployment and the state entered");
        _retries = meter.CreateCounter<long>("aimesh.router.retries", "{retry}", "Provider calls tried again after a retryable failure, by the deployment that failed");
        _budgetSpent = meter.CreateCounter<long>("aimesh.router.retry_budget_exhausted", "{retry}", "Retries not made because the replica's retry budget was spent");
        _healthChecks = meter.CreateCounter<long>("aimesh.router.health_checks", "{check}", "Active health checks of deployments, by deployment and whether the deployment answered well");
        _limitFallbacks = meter.CreateCounter<long>(
            "aimesh.router.deployment_limit.store_fallbacks", "{decision}", "Deployment-limit decisions made without Redis, by the choice taken (local, open, closed)");
        _rejected = meter.CreateCounter<long>("aimesh.router.rejections", "{request}", "Requests refused before any provider call, by error code");
        _duration = meter.CreateHistogram("aimesh.router.provider.duration", "s", "Duration of provider calls, by deployment and outcome",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = MeshMeters.LatencyBuckets });
    }

    public void Called(Deployment deployment, CallOutcome outcome, TimeSpan elapsed)
    {
        var result = outcome.Failure switch
        {
            null => CompletionOutcomes.Ok,
            { Kind: FailureKind.Cancelled } => CompletionOutcomes.Cancelled,
            _ => CompletionOutcomes.Error,
        };
        var name = new KeyValuePair<string, object?>("deployment", deployment.Name);
        var provider = new KeyValuePair<string, object?>("provider", deployment.Provider);
        var ended = new KeyValuePair<string, object?>("outcome", result);
        if (outcome.Attempts > 0)
        {
            _attempts.Add(outcome.Attempts, name, provider, ended);
        }

        _duration.Record(elapsed.TotalSeconds, name, provider, ended);
        if (outcome.Failure is { Kind: not FailureKind.Cancelled } failure)
        {
            _errors.Add(1, name, provider, new KeyValuePair<string, object?>("error_class", ErrorClass(failure)));
        }
    }

    public void Retried(Deployment deployment) => _retries.Add(1, new KeyValuePair<string, object?>("deployment", deployment.Name));

    public void CircuitChanged(Deployment deployment, CircuitState state) => _circuits.Add(
        1, new KeyValuePair<string, object?>("deployment", deployment.Name), new KeyValuePair<string, object?>("state", state == CircuitState.Open ? "open" : "closed"));

    public void RetryBudgetSpent() => _budgetSpent.Add(1);

    public void HealthChecked(Deployment deployment, bool healthy) => _healthChecks.Add(
        1, new KeyValuePair<string, object?>("deployment", deployment.Name), new KeyValuePair<string, object?>("outcome", healthy ? "healthy" : "unwell"));

    public void LimitFellBack(AiMesh.Hosting.Limits.StoreDownChoice choice) =>
        _limitFallbacks.Add(1, new KeyValuePair<string, object?>("choice", choice.ToString().ToLowerInvariant()));

    public void Rejected(string code) => _rejected.Add(1, new KeyValuePair<string, object?>("code", code));

    /// <summary>
    /// One flat closed set, in snake case: what the adapter read a provider's error as (<c>rate_limited</c>,
    /// <c>overloaded</c>, <c>context_length_exceeded</c>…) when it could tell, else the transport's failure kind
    /// (<c>upstream_status</c>, <c>unreachable</c>, <c>first_byte_timeout</c>, <c>truncated</c>…).
    /// </summary>
    private static string ErrorClass(ProviderFailure failure) =>
        JsonNamingPolicy.SnakeCaseLower.ConvertName(failure.Error is { Kind: not UpstreamErrorKind.Unknown } error
            ? error.Kind.ToString()
            : failure.Kind.ToString());
}
