using AiMesh.Ingress.Relay;
using MassTransit;

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
        binder.ThenAsync(context =>
        {
            var answered = answer(context);
            return AfterTransition.Run(context, () => relays.Find(answered.RequestId)?.Post(answered));
        });
}
