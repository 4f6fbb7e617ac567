using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;

namespace AiMesh.Ingress.Scheduling;

/// <summary>Gives every message consumed on the saga's endpoint a scheduler backed by <see cref="InProcessScheduleMessageProvider"/>.</summary>
internal sealed class InProcessSchedulerFilter(InProcessScheduleMessageProvider provider) : IFilter<ConsumeContext>
{
    public Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        context.GetOrAddPayload<MessageSchedulerContext>(() => new ConsumeMessageSchedulerContext(context, Create));
        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("inProcessScheduler");

    private MessageScheduler Create(ConsumeContext context) => new(provider, context.GetPayload<IBusTopology>());
}
