using AiMesh.Ingress.Chains;
using MassTransit;

namespace AiMesh.Ingress.Saga;

/// <summary>
/// Persistence of the request saga: in memory, on purpose. A request's saga lives exactly as long as the client
/// connection this process holds for it, on this process's own temporary endpoint; if the process dies, the
/// connection is gone too and no other replica could answer it. Durable effects do not depend on it: usage is
/// recorded by metering, idempotent per request id. (MassTransit's EF Core/Redis repositories are not in our
/// registry, and a database write per transition would cost the hot path for nothing.)
/// </summary>
internal static class RequestStateRepository
{
    public static void AddRequestSaga(this IBusRegistrationConfigurator bus)
    {
        bus.AddSagaStateMachine<RequestStateMachine, RequestState, RequestStateDefinition>()
            .InMemoryRepository();
    }

    /// <summary>
    /// The chain saga, in memory for the same reasons. It has no endpoint of its own on the bus: it takes its messages
    /// only in process (<see cref="SagaInbox"/>), from the chain exchange and from the request saga answering a step.
    /// </summary>
    public static void AddChainSaga(this IBusRegistrationConfigurator bus)
    {
        var chains = bus.AddSagaStateMachine<ChainStateMachine, ChainState>();
        chains.InMemoryRepository();
        chains.ExcludeFromConfigureEndpoints();
    }
}
