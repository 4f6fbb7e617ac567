using AiMesh.Contracts.Routing;
using AiMesh.Router.Telemetry;
using MassTransit;

namespace AiMesh.Router.Routing;

/// <summary>
/// Cancels the provider call of an abandoned request if this replica runs it. Every replica gets the event (each
/// on its own temporary queue), since only the one holding the call knows it holds it.
/// </summary>
internal sealed class CompletionAbandonedConsumer(InFlightCalls calls, ILogger<CompletionAbandonedConsumer> logger) : IConsumer<CompletionAbandoned>
{
    public Task Consume(ConsumeContext<CompletionAbandoned> context)
    {
        var inFlight = calls.Abandon(context.Message.RequestId);
        logger.CallAbandoned(context.Message.RequestId, context.Message.Reason, inFlight);
        return Task.CompletedTask;
    }
}
