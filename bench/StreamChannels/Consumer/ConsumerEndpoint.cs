using MassTransit;

namespace AiMesh.Bench.StreamChannels.Consumer;

/// <summary>
/// This process's temporary receive endpoint, named and declared like the ingress's instance endpoint
/// (services/ingress/Instance/IngressInstance.cs): the queue chunks are sent to.
/// </summary>
internal sealed class ConsumerEndpoint
{
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name { get; } = $"bench-streams-{NewId.Next().ToString("N")[^12..]}";

    /// <summary>The endpoint's transport address once MassTransit reports it ready.</summary>
    public Uri? Address => _address.Task.IsCompletedSuccessfully ? _address.Task.Result : null;

    public void SetReady(Uri address) => _address.TrySetResult(address);
}
