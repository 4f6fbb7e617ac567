namespace AiMesh.Metering.Storage;

/// <summary>Whether the schema initializer has seen <c>usage_events</c> in place. Read by the consumer and the readiness check.</summary>
internal sealed class SchemaState
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;

    public void ThrowIfNotReady()
    {
        if (!_ready)
        {
            throw new MeteringStoreUnavailableException("The metering database has not been reached since start; the usage_events table is not known to exist yet.");
        }
    }
}
