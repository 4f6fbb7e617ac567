using MassTransit;
using MassTransit.Middleware.InMemoryOutbox;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// Hands something to this process only once the saga's transition has completed, the way the in-memory outbox holds
/// the transition's sends: never for a state change that did not happen.
/// </summary>
internal static class AfterTransition
{
    public static Task Run(ConsumeContext context, Action action)
    {
        if (context.TryGetPayload(out OutboxContext? outbox))
        {
            return outbox.Add(() =>
            {
                action();
                return Task.CompletedTask;
            });
        }

        action();
        return Task.CompletedTask;
    }
}
