using AiMesh.Contracts.Routing;
using AiMesh.Router.Errors;
using MassTransit;

namespace AiMesh.Router.Routing;

/// <summary>
/// Answers every <see cref="RouteCompletion"/> with <see cref="CompletionRouted"/> or <see cref="CompletionFailed"/>:
/// provider failures are answers, not exceptions, so none of them reaches the bus's fault handling.
/// </summary>
internal sealed class RouteCompletionConsumer(CompletionRouter router, InFlightCalls calls) : IConsumer<RouteCompletion>
{
    public async Task Consume(ConsumeContext<RouteCompletion> context)
    {
        RouteResult result;
        using (var lease = calls.Begin(context.Message.RequestId, context.CancellationToken))
        {
            // The consume context sends the chunks, so they carry this request's conversation and trace headers.
            result = await router.RouteAsync(context.Message, context, lease.Token);

            // Cancelled without the client asking: this replica is stopping. That is the gateway's failure, not a
            // client cancellation, and metering must not count it as one.
            if (result.Failed is { Outcome: CompletionOutcomes.Cancelled } cancelled && !lease.AbandonedByClient)
            {
                result = FailureMapper.Stopping(cancelled);
            }
        }

        if (result.Routed is { } routed)
        {
            await context.RespondAsync(routed);
        }
        else
        {
            await context.RespondAsync(result.Failed!);
        }
    }
}
