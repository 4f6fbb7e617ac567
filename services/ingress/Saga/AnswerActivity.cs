using AiMesh.Ingress.Relay;
using MassTransit;
using MassTransit.Middleware.InMemoryOutbox;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// The saga's answer to the HTTP exchange, handed over in process: the exchange is on this instance by design (the
/// saga lives on the instance's own endpoint), so a broker hop bought nothing. Like a send, the answer leaves only
/// when the transition has completed (it waits in the in-memory outbox), never for a state change that did not happen.
/// </summary>
internal static class AnswerActivity
{
    public static EventActivityBinder<RequestState, T> Answer<T>(
        this EventActivityBinder<RequestState, T> binder, ResponseRelays relays, Func<BehaviorContext<RequestState, T>, CompletionAnswered> answer)
        where T : class =>
        binder.ThenAsync(context => Deliver(context, relays, answer(context)));

    private static Task Deliver(ConsumeContext context, ResponseRelays relays, CompletionAnswered answer)
    {
        if (context.TryGetPayload(out OutboxContext? outbox))
        {
            return outbox.Add(() =>
            {
                relays.Find(answer.RequestId)?.Post(answer);
                return Task.CompletedTask;
            });
        }

        relays.Find(answer.RequestId)?.Post(answer);
        return Task.CompletedTask;
    }
}
