using System.Reflection;
using AiMesh.Contracts;
using MassTransit;
using MassTransit.Configuration;

namespace AiMesh.Hosting;

/// <summary>
/// Sends and publishes every contract marked <see cref="TransientMessageAttribute"/> as non-persistent, so the
/// broker confirms it without writing it to disk: the request path pays no disk latency for messages that must
/// not outlive their request anyway. Decided per message type once, at start.
/// </summary>
internal static class TransientMessages
{
    private static readonly MethodInfo ApplyToType = typeof(TransientMessages).GetMethod(nameof(Apply), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static IReadOnlyList<Type> Types { get; } = typeof(TransientMessageAttribute).Assembly.GetTypes()
        .Where(type => type.IsDefined(typeof(TransientMessageAttribute), inherit: false))
        .ToArray();

    public static void Configure(IBusFactoryConfigurator bus)
    {
        foreach (var type in Types)
        {
            ApplyToType.MakeGenericMethod(type).Invoke(null, [bus]);
        }
    }

    private static void Apply<T>(IBusFactoryConfigurator bus)
        where T : class
    {
        bus.ConfigureSend(send => send.AddPipeSpecification(new Specification<SendContext<T>>()));
        bus.ConfigurePublish(publish => publish.AddPipeSpecification(new Specification<PublishContext<T>>()));
    }

    private sealed class Specification<TContext> : IPipeSpecification<TContext>, IFilter<TContext>
        where TContext : class, SendContext
    {
        public void Apply(IPipeBuilder<TContext> builder) => builder.AddFilter(this);

        public IEnumerable<ValidationResult> Validate() => [];

        public Task Send(TContext context, IPipe<TContext> next)
        {
            context.Durable = false;
            return next.Send(context);
        }

        public void Probe(ProbeContext context) => context.CreateFilterScope("transient");
    }
}
