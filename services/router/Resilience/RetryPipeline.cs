using AiMesh.Router.Configuration;
using AiMesh.Router.Routing;
using AiMesh.Router.Telemetry;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace AiMesh.Router.Resilience;

/// <summary>
/// The one place a provider call is tried again (bus redelivery of <c>RouteCompletion</c> is off, so the two never
/// multiply): a Polly retry strategy over a request's <see cref="CallAttempts"/>, which decides whether a failure may be
/// retried, where the next attempt goes and how long to wait (<see cref="CallAttempts.ShouldRetry"/>). Exponential
/// backoff with full jitter from <see cref="RetryOptions.BaseDelay"/> up to <see cref="RetryOptions.MaxDelay"/>, a
/// provider's <c>Retry-After</c> waited out before the same deployment is tried again, another deployment tried at once;
/// at most <see cref="RetryOptions.MaxAttempts"/> attempts, within the request's deadline and the replica's
/// <see cref="RetryBudget"/>.
/// </summary>
internal sealed class RetryPipeline
{
    private static readonly ResiliencePropertyKey<CallAttempts> Attempts = new("aimesh.attempts");

    private readonly ResiliencePipeline<AttemptResult> pipeline;

    public RetryPipeline(IOptions<RouterOptions> options, RouterMetrics metrics, TimeProvider time)
    {
        var settings = options.Value.Retries;
        pipeline = settings.MaxAttempts <= 1
            ? ResiliencePipeline<AttemptResult>.Empty
            : new ResiliencePipelineBuilder<AttemptResult> { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions<AttemptResult>
                {
                    MaxRetryAttempts = settings.MaxAttempts - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = settings.BaseDelay,
                    MaxDelay = settings.MaxDelay,
                    ShouldHandle = args => ValueTask.FromResult(
                        args.Outcome.Result is { } result && args.Context.Properties.TryGetValue(Attempts, out var attempts) && attempts.ShouldRetry(result)),
                    DelayGenerator = args => ValueTask.FromResult(
                        args.Context.Properties.TryGetValue(Attempts, out var attempts) ? attempts.WaitBeforeNext : null),
                    OnRetry = args =>
                    {
                        metrics.Retried(args.Outcome.Result!.Deployment);
                        return ValueTask.CompletedTask;
                    },
                })
                .Build();
    }

    /// <summary>Runs the request's attempts; a client that leaves before one or during a backoff ends them as cancelled.</summary>
    public async Task<AttemptResult> ExecuteAsync(CallAttempts attempts, CancellationToken abandoned)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var context = ResilienceContextPool.Shared.Get(abandoned);
        context.Properties.Set(Attempts, attempts);
        try
        {
            return await pipeline.ExecuteAsync(static (context, attempts) => attempts.NextAsync(context.CancellationToken), context, attempts);
        }
        catch (OperationCanceledException) when (abandoned.IsCancellationRequested)
        {
            return attempts.Cancelled();
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
