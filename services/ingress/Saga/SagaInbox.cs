using AiMesh.Hosting;
using AiMesh.Ingress.Instance;
using MassTransit;
using MassTransit.Context;
using MassTransit.DependencyInjection;
using MassTransit.Serialization;
using MassTransit.Transports;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// Hands the HTTP exchange's messages (<see cref="SubmitCompletion"/>, <see cref="AbandonRequest"/>) to this
/// instance's request saga in process. The saga and the exchange share a process by design (the saga lives on the
/// instance's own endpoint), so sending them through the broker bought nothing and cost two broker hops per
/// request. The message still runs through a MassTransit receive pipeline — the saga's definition (outbox,
/// in-process scheduler), its repository, its state machine — built like MassTransit's own
/// <c>ReceiveEndpointDispatcherFactory</c> builds one for serverless hosts, on the instance endpoint's address, so
/// everything the saga sends says "answer me here" with the instance queue's real address.
/// </summary>
internal sealed class SagaInbox(IServiceProvider services, IngressInstance instance)
{
    private static readonly Dictionary<string, object> Headers = new() { [MessageHeaders.ContentType] = SystemTextJsonMessageSerializer.JsonContentType.MediaType };
    private readonly Lock gate = new();
    private ReceiveEndpointDispatcher? dispatcher;

    /// <summary>
    /// Runs the saga's transition for <paramref name="message"/>; done when the transition and everything its
    /// outbox sends are. Throws what the transition threw (a send the broker refused, say).
    /// </summary>
    public Task DeliverAsync<T>(T message, CancellationToken cancellationToken)
        where T : class
    {
        var context = new MessageSendContext<T>(message, cancellationToken) { MessageId = NewId.NextGuid() };
        var body = SystemTextJsonMessageSerializer.Instance.GetMessageBody(context).GetBytes();
        return Dispatcher().Dispatch(body, Headers, cancellationToken);
    }

    private ReceiveEndpointDispatcher Dispatcher()
    {
        lock (gate)
        {
            return dispatcher ??= Create();
        }
    }

    private ReceiveEndpointDispatcher Create()
    {
        var address = instance.Address ?? throw new InvalidOperationException("The instance endpoint is not ready yet.");
        var registration = services.GetRequiredService<Bind<IBus, IBusRegistrationContext>>().Value;
        var busInstance = services.GetRequiredService<Bind<IBus, IBusInstance>>().Value;
        var expiry = services.GetRequiredService<IOptions<IngressOptions>>().Value.InstanceQueueExpiry;
        var configuration = busInstance.HostConfiguration.CreateReceiveEndpointConfiguration(instance.EndpointName, endpoint =>
        {
            TemporaryEndpoints.Apply(endpoint, expiry);
            endpoint.ThrowOnSkippedMessages();
            endpoint.RethrowFaultedMessages();
            endpoint.PublishFaults = false;
            endpoint.ConfigureConsumeTopology = false;
            endpoint.ConfigureSaga<RequestState>(registration);
        });

        // The saga answers and asks to be answered at this pipeline's address: it must be the real queue's.
        if (!AddressesMatch(configuration.InputAddress, address))
        {
            throw new InvalidOperationException(
                $"The in-process saga inbox would answer at {configuration.InputAddress}, not at the instance endpoint {address}.");
        }

        configuration.Validate().ThrowIfContainsFailure("The saga inbox's endpoint configuration is invalid:");
        return new ReceiveEndpointDispatcher(configuration.CreateReceiveEndpointContext());
    }

    private static bool AddressesMatch(Uri pipeline, Uri endpoint) =>
        Uri.Compare(pipeline, endpoint, UriComponents.AbsoluteUri, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0;
}
