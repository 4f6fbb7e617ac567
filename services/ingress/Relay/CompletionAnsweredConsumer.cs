using AiMesh.Ingress.Saga;
using MassTransit;

namespace AiMesh.Ingress.Relay;

/// <summary>Hands the saga's answer to the waiting HTTP exchange.</summary>
internal sealed class CompletionAnsweredConsumer(ResponseRelays relays) : IConsumer<CompletionAnswered>
{
    public Task Consume(ConsumeContext<CompletionAnswered> context)
    {
        relays.Find(context.Message.RequestId)?.Post(context.Message);
        return Task.CompletedTask;
    }
}
