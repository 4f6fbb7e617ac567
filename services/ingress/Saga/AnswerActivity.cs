using AiMesh.Ingress.Chains;
using AiMesh.Ingress.Relay;
using MassTransit;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// The saga's answer, handed over in process: to the HTTP exchange holding the client (its relay), or, for a step of a
/// chain run, to the run's saga (<see cref="ChainSteps.Answered"/>). Both are on this instance by design (the sagas live
/// on the instance's own endpoint), so a broker hop bought nothing. Like a send, the answer leaves only when the
/// transition has completed (it waits in the in-memory outbox), never for a state change that did not happen.
/// </summary>
internal static class AnswerActivity
{
    public static EventActivityBinder<RequestState, T> Answer<T>(
        this EventActivityBinder<RequestState, T> binder, Answers answers, Func<BehaviorContext<RequestState, T>, CompletionAnswered> answer)
        where T : class =>
        binder.ThenAsync(context =>
        {
            var answered = answer(context);
            var saga = context.Saga;
            if (saga.ChainRunId is not { } run)
            {
                return AfterTransition.Run(context, () => answers.Relays.Find(answered.RequestId)?.Post(answered));
            }

            return AfterTransition.Run(context, () =>
            {
                // A logged step's answer goes into its capture here; the usage record ends it (UsageActivity).
                if (answered.Body is { } body)
                {
                    saga.Capture?.Answer(body);
                }

                answers.ChainSteps.Answered(run, answered);
            });
        });

    /// <summary>Where the request saga's answers go: the exchanges' relays, or the chain runs.</summary>
    public sealed record Answers(ResponseRelays Relays, ChainSteps ChainSteps);
}
