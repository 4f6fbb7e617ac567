using MassTransit;
using MassTransit.Contracts;
using MassTransit.Scheduling;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// The saga's request timeouts, armed and disarmed by the saga itself rather than by MassTransit's request activity.
/// MassTransit cancels a request's timeout whenever an answer to that request arrives, in any state, by the request
/// id; the saga's three requests share one id (its <c>CorrelationId</c>), so a duplicate answer to an earlier call
/// would cancel the timeout of the call pending now. Here a timeout is armed where a call starts (or where someone
/// else started it for the saga: policy forwards the routing request, <see cref="AiMesh.Contracts.Policy.AuthorizeRequest.Route"/>),
/// replaced when the next call's is armed, and disarmed when the saga ends; answers never touch it. What fires is what
/// MassTransit's <c>RequestActivityImpl.SendRequest</c> would schedule: a <see cref="RequestTimeoutExpired{TRequest}"/>
/// under the saga's id, so the request's own <c>TimeoutExpired</c> event fires.
/// </summary>
internal static class RequestTimeouts
{
    public static EventActivityBinder<RequestState, T> ArmTimeout<T, TRequest>(
        this EventActivityBinder<RequestState, T> binder, TimeSpan timeout, Func<BehaviorContext<RequestState, T>, TRequest> request)
        where T : class
        where TRequest : class
    {
        // The token a timeout is scheduled under is its request id (the saga's id), as for MassTransit's own; stated
        // here too, so disarming does not depend on a .Request(...) having registered it first.
        ScheduleTokenId.UseTokenId<RequestTimeoutExpired<TRequest>>(x => x.RequestId);
        return binder.ThenAsync(context =>
        {
            // One timeout per saga, under its id: the scheduler replaces whatever was armed under it.
            var now = DateTime.UtcNow;
            RequestTimeoutExpired<TRequest> expired = new Expired<TRequest>(
                now, now + timeout, context.Saga.CorrelationId, context.Saga.CorrelationId, request(context));
            return SchedulerOf(context).ScheduleSend(now + timeout, expired);
        });
    }

    public static EventActivityBinder<RequestState> DisarmTimeout(this EventActivityBinder<RequestState> binder) =>
        binder.ThenAsync(context => SchedulerOf(context).CancelScheduledSend(context.ReceiveContext.InputAddress, context.Saga.CorrelationId));

    private static MessageSchedulerContext SchedulerOf(PipeContext context) =>
        context.TryGetPayload(out MessageSchedulerContext? scheduler)
            ? scheduler
            : throw new ConfigurationException("A request timeout needs a message scheduler on the saga's endpoint.");

    private sealed record Expired<TRequest>(DateTime Timestamp, DateTime ExpirationTime, Guid CorrelationId, Guid RequestId, TRequest Message)
        : RequestTimeoutExpired<TRequest>
        where TRequest : class;
}
