using AiMesh.Contracts.Routing;
using AiMesh.Hosting;
using AiMesh.Ingress.Chains;
using AiMesh.Ingress.OpenAi;
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
/// <para>
/// Both sagas of the instance take their messages here: the request saga's (<see cref="RequestState"/>) and the chain
/// saga's (<see cref="ChainState"/>), which submits each step of a chain as a request of the first.
/// </para>
/// </summary>
internal sealed class SagaInbox(
    IServiceProvider services, IngressInstance instance, BusHealth busHealth, IOptions<IngressOptions> options, ILogger<SagaInbox> logger)
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

    /// <summary>
    /// Starts a request saga. If its first send fails or does not finish within <see cref="IngressOptions.SubmitTimeout"/>
    /// (bounded by <c>WaitAsync</c>: while MassTransit reconnects to a lost broker a send can outlive its cancellation
    /// token), the saga is abandoned, so a send that completes late starts nothing anyone waits for.
    /// </summary>
    /// <returns>Null once the saga has started; else the error its client gets.</returns>
    public async Task<ApiError?> SubmitAsync(SubmitCompletion message)
    {
        var refused = await TryDeliverAsync(message);
        if (refused is null)
        {
            return null;
        }

        if (refused.Status == StatusCodes.Status503ServiceUnavailable)
        {
            IngressLog.SubmitTimedOut(logger, message.RequestId);
        }

        await TryDeliverAsync(new AbandonRequest(message.RequestId));
        return refused;
    }

    /// <summary>
    /// <see cref="DeliverAsync{T}"/> within <see cref="IngressOptions.SubmitTimeout"/>, for callers that answer a client:
    /// never throws.
    /// </summary>
    /// <returns>Null when the saga took the message; else what to tell a client about it.</returns>
    public async Task<ApiError?> TryDeliverAsync<T>(T message)
        where T : class
    {
        var limit = options.Value.SubmitTimeout;
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await DeliverAsync(message, timeout.Token).WaitAsync(limit);
            busHealth.SendSucceeded();
            return null;
        }
        catch (Exception ex) when (BusHealth.IsBrokerFailure(ex) || (ex is OperationCanceledException && timeout.IsCancellationRequested))
        {
            // A send the broker refused or that did not finish in time: the bus is not serving.
            busHealth.SendFailed();
            IngressLog.DeliveryFailed(logger, typeof(T).Name, ex);
            return ApiError.Unavailable("bus_unavailable");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else failed this one transition, not the bus: it must not turn every other request away.
            // (Seen: MassTransit 8.4's in-memory saga repository throws NullReferenceException for a message that
            // arrives while its saga is being removed — an abandonment racing the answer.)
            IngressLog.TransitionFailed(logger, typeof(T).Name, ex);
            return new ApiError(500, "api_error", "internal_error", "The gateway failed to start the request; it can be retried.");
        }
    }

    /// <summary>
    /// Gives a request up: the router hears it (<see cref="CompletionAbandoned"/>, so it stops the provider call and
    /// answers what was billed), then the saga (<see cref="AbandonRequest"/>).
    /// </summary>
    public async Task AbandonAsync(Guid requestId, string reason)
    {
        try
        {
            // The bus is resolved here, not injected: the request saga's state machine needs this inbox (through
            // ChainSteps) while the bus that hosts it is being built.
            var bus = services.GetRequiredService<IBus>();
            await bus.Publish(new CompletionAbandoned(requestId, reason)).WaitAsync(options.Value.SubmitTimeout);
        }
        catch (TimeoutException)
        {
            busHealth.SendFailed();
            IngressLog.SubmitTimedOut(logger, requestId);
        }

        await TryDeliverAsync(new AbandonRequest(requestId));
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
            endpoint.ConfigureSaga<ChainState>(registration);
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
