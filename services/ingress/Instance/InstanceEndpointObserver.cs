using MassTransit;

namespace AiMesh.Ingress.Instance;

/// <summary>Learns the instance endpoint's real transport address (temporary-queue flags included) when it starts.</summary>
internal sealed class InstanceEndpointObserver(IngressInstance instance) : IReceiveEndpointObserver
{
    public Task Ready(ReceiveEndpointReady ready)
    {
        if (ready.InputAddress.AbsolutePath.EndsWith(instance.EndpointName, StringComparison.Ordinal))
        {
            instance.SetReady(ready.InputAddress);
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
