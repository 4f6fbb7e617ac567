using MassTransit;
using MassTransit.Contracts;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// Arms a request's timeout without sending the request, for a request someone else sent on the saga's behalf
/// (policy forwards the routing request, <see cref="AiMesh.Contracts.Policy.AuthorizeRequest.Route"/>). It schedules
/// exactly what MassTransit's request activity schedules after its send (<c>RequestActivityImpl.SendRequest</c>):
/// a <see cref="RequestTimeoutExpired{TRequest}"/> under the saga's id, so the request's own
/// <c>TimeoutExpired</c> event fires and any answer cancels it as usual.
/// </summary>
internal static class RequestTimeouts
{
    public static EventActivityBinder<RequestState, T> ArmTimeout<T, TRequest>(
        this EventActivityBinder<RequestState, T> binder, TimeSpan timeout, Func<BehaviorContext<RequestState, T>, TRequest> request)
        where T : class
        where TRequest : class =>
        binder.ThenAsync(context =>
        {
            if (!context.TryGetPayload(out MessageSchedulerContext? scheduler))
            {
                throw new ConfigurationException("A request timeout needs a message scheduler on the saga's endpoint.");
            }

            var now = DateTime.UtcNow;
            RequestTimeoutExpired<TRequest> expired = new Expired<TRequest>(
                now, now + timeout, context.Saga.CorrelationId, context.Saga.CorrelationId, request(context));
            return scheduler.ScheduleSend(now + timeout, expired);
        });

    private sealed record Expired<TRequest>(DateTime Timestamp, DateTime ExpirationTime, Guid CorrelationId, Guid RequestId, TRequest Message)
        : RequestTimeoutExpired<TRequest>
        where TRequest : class;
}
