using MassTransit;

namespace AiMesh.Ingress.Instance;

/// <summary>
/// Learns the instance endpoint's real transport address (temporary-queue flags included) when it starts, and when
/// it is down (faulted with its broker connection, or stopped) and ready again.
/// </summary>
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

    public Task Completed(ReceiveEndpointCompleted completed) => Down(completed.InputAddress);

    public Task Faulted(ReceiveEndpointFaulted faulted) => Down(faulted.InputAddress);

    private Task Down(Uri address)
    {
        if (address.AbsolutePath.EndsWith(instance.EndpointName, StringComparison.Ordinal))
        {
            instance.SetDown();
        }

        return Task.CompletedTask;
    }
}
