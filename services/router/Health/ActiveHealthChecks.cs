using System.Text.Json.Nodes;
using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Routing;
using AiMesh.Router.Secrets;
using AiMesh.Router.Telemetry;
using AiMesh.Router.Transport;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Health;

/// <summary>
/// Optional active health checks (<see cref="HealthOptions.ActiveCheckInterval"/>, off by default): every interval,
/// each chat deployment is sent a one-token completion (<c>ping</c>, <c>max_tokens</c> 1) through its own adapter,
/// credentials and transport, exactly as a client's call would go. The outcome goes to the circuit breaker like a
/// call's: a deployment that died while no client called it opens before a client pays for finding out, and an open
/// deployment whose break is over is probed by the check instead of by a client's request. While the circuit is open
/// and its break runs, no check is sent.
/// <para>
/// Why a completion and not a listing such as <c>GET /models</c>: it is the one request every provider serves, with the
/// same authentication and the same path as real traffic, so "healthy" means "answers completions"; a listing can be
/// up while completions fail, and not every provider has one. The price is about ten tokens per check and replica,
/// hence opt-in. Checks are not client requests: they are counted (<c>aimesh.router.health_checks</c>) and logged at
/// Debug, not metered as usage.
/// </para>
/// </summary>
internal sealed class ActiveHealthChecks(
    DeploymentCatalog catalog,
    ProviderCredentialStore credentials,
    CircuitBreakers breakers,
    ProviderAdapters adapters,
    ProviderTransport transport,
    IOptions<RouterOptions> options,
    RouterMetrics metrics,
    TimeProvider time,
    ILogger<ActiveHealthChecks> logger) : BackgroundService
{
    /// <summary>Checks one deployment now, unless its circuit is open with its break still running; null when none was sent.</summary>
    public async Task<bool?> CheckAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (!breakers.TryEnter(deployment, out var probe))
        {
            return null;
        }

        if (credentials.Resolve(deployment) is not { } resolved)
        {
            if (probe)
            {
                breakers.Release(deployment);
            }

            return null;
        }

        var call = new ProviderCall
        {
            RequestId = NewId.NextGuid(),
            Api = ProviderApis.ChatCompletions,
            Deployment = ClientHeaders.ForCall(resolved, null),
            Body = new JsonObject
            {
                ["model"] = deployment.Model,
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "ping" }),
                ["max_tokens"] = 1,
            },
            Stream = false,
            ClientIncludeUsage = false,
        };
        CallOutcome? outcome = null;
        try
        {
            outcome = await transport.CallAsync(call, adapters.Get(deployment.Provider), NoChunkSink.Instance,
                time.GetUtcNow() + options.Value.Health.ActiveCheckTimeout, cancellationToken);
        }
        finally
        {
            if (outcome is null && probe)
            {
                breakers.Release(deployment);
            }
        }

        // The check's own deadline passing is the deployment being too slow to answer a one-token question (for a
        // client's call the deadline is the client's, and says nothing of the deployment's health).
        if (outcome.Failure?.Kind == FailureKind.DeadlineExceeded)
        {
            outcome = new CallOutcome { Failure = new ProviderFailure(FailureKind.FirstByteTimeout), Attempts = outcome.Attempts };
        }

        breakers.Record(deployment, outcome, probe);
        var healthy = !CircuitBreakers.IsUnwell(outcome) && outcome.Failure is null;
        metrics.HealthChecked(deployment, healthy);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.HealthChecked(deployment.Name, healthy, outcome.Failure?.Kind.ToString(), outcome.Failure?.UpstreamStatus);
        }

        return healthy;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Health.ActiveCheckInterval;
        var checkable = catalog.Deployments.Where(d => d.Api.Contains(ProviderApis.ChatCompletions)).ToArray();
        if (interval <= TimeSpan.Zero || checkable.Length == 0)
        {
            return;
        }

        // Replicas started together do not check in step.
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * interval.TotalMilliseconds), time, stoppingToken);
            do
            {
                await Task.WhenAll(checkable.Select(d => CheckSafelyAsync(d, stoppingToken)));
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>A check that throws (it should not: the transport answers failures as outcomes) must not end the others.</summary>
    private async Task CheckSafelyAsync(Deployment deployment, CancellationToken stoppingToken)
    {
        try
        {
            await CheckAsync(deployment, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            metrics.HealthChecked(deployment, healthy: false);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                logger.HealthChecked(deployment.Name, false, ex.GetType().Name, null);
            }
        }
    }
}
