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

    // Environment.TickCount64 when the endpoint last faulted or stopped; 0 while it is up.
    private long _downSince;

    /// <summary>The endpoint is receiving (again): answers reach this process.</summary>
    public void SetReady(Uri address)
    {
        _address.TrySetResult(address);
        Volatile.Write(ref _downSince, 0);
    }

    /// <summary>The endpoint faulted or stopped (its broker connection was lost): nothing reaches this process until it is ready again.</summary>
    public void SetDown() => Interlocked.CompareExchange(ref _downSince, Environment.TickCount64, 0);

    /// <summary>Whether the endpoint has been down for at least <paramref name="patience"/> ms up to <paramref name="now"/> (both <see cref="Environment.TickCount64"/>).</summary>
    public bool DownAtLeast(long now, long patience) => Volatile.Read(ref _downSince) is var since and not 0 && now - since >= patience;
}
