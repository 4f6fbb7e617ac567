namespace AiMesh.Policy.Store;

/// <summary>Whether the schema has been brought to the current version since start. Read by the key cache and readiness.</summary>
internal sealed class SchemaState
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Completes once the schema is current.</summary>
    public Task WhenReady => _ready.Task;

    public void MarkReady() => _ready.TrySetResult();
}
