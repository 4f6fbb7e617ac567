namespace AiMesh.Metering.Storage;

/// <summary>Whether the schema initializer has seen <c>usage_events</c> in place. Read by the consumer and the readiness check.</summary>
internal sealed class SchemaState
{
    private readonly TaskCompletionSource _whenReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _ready;

    public bool IsReady => _ready;

    /// <summary>Completes once the schema is ready (for work that must wait for it, like the body sweep).</summary>
    public Task WhenReady => _whenReady.Task;

    public void MarkReady()
    {
        _ready = true;
        _whenReady.TrySetResult();
    }

    public void ThrowIfNotReady()
    {
        if (!_ready)
        {
            throw new MeteringStoreUnavailableException("The metering database has not been reached since start; the usage_events table is not known to exist yet.");
        }
    }
}
