using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Policy;
using AiMesh.Ingress.Usage;
using MassTransit;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// The saga's usage record, handed to <see cref="UsageSender"/> (which batches records to metering) once the
/// transition has completed, like any send of the transition. Every ending after admission records usage once, so
/// this is also where a request holding rate-limit counters settles them with policy (<see cref="SettleRequest"/>:
/// its concurrency slots back, its token windows corrected to the tokens really used, its budget reservations replaced by the router's cost).
/// A request whose bodies are logged hands its record to its <see cref="Bodies.BodyCapture"/> instead, which enqueues it
/// with the redacted bodies once the exchange has written the answer.
/// </summary>
internal static class UsageActivity
{
    public static EventActivityBinder<RequestState, T> RecordUsage<T>(
        this EventActivityBinder<RequestState, T> binder, UsageSender usage, Func<BehaviorContext<RequestState, T>, RecordUsage> record)
        where T : class =>
        binder.ThenAsync(async context =>
        {
            var recorded = record(context);
            if (context.Saga.Settlement is { } settlement)
            {
                var used = recorded.Usage is { } tokens ? (long)tokens.PromptTokens + tokens.CompletionTokens : (long?)null;
                var policy = await context.GetSendEndpoint(Endpoints.PolicyAddress);
                await policy.Send(new SettleRequest(context.Saga.CorrelationId, settlement, used, recorded.Cost));
            }

            var capture = context.Saga.Capture;
            var stepRequest = context.Saga.StepRequest;
            await AfterTransition.Run(context, capture is null ? () => usage.Enqueue(recorded) : () =>
            {
                // A logged chain step has no exchange to end its capture: the saga ends it, after the answer went in.
                if (stepRequest is not null)
                {
                    capture.ExchangeEnded(stepRequest, knownSecret: null);
                }

                capture.Recorded(recorded, usage.Enqueue);
            });
        });
}
