using MassTransit;

namespace AiMesh.Bench.StreamChannels.Consumer;

/// <summary>Learns the endpoint's real address (temporary-queue flags included) when it starts, as the ingress does.</summary>
internal sealed class ConsumerEndpointObserver(ConsumerEndpoint endpoint) : IReceiveEndpointObserver
{
    public Task Ready(ReceiveEndpointReady ready)
    {
        if (ready.InputAddress.AbsolutePath.EndsWith(endpoint.Name, StringComparison.Ordinal))
        {
            endpoint.SetReady(ready.InputAddress);
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
