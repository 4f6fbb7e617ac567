using MassTransit;

namespace AiMesh.Ingress.Instance;

/// <summary>
/// This ingress process's own receive endpoint: its request sagas, the chunks routers stream to it and the
/// answers its sagas give live there. The queue is temporary (deleted when the process goes), since everything
/// on it belongs to client connections held by this process.
/// </summary>
internal sealed class IngressInstance
{
    private readonly TaskCompletionSource<Uri> _address = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string EndpointName { get; } = $"aimesh-ingress-{NewId.Next().ToString("N")[^12..]}";

    /// <summary>The endpoint's transport address, known once the endpoint is ready.</summary>
    public Uri? Address => _address.Task.IsCompletedSuccessfully ? _address.Task.Result : null;

    public void SetReady(Uri address) => _address.TrySetResult(address);
}
