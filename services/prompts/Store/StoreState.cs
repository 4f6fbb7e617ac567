namespace AiMesh.Prompts.Store;

/// <summary>Whether the schema initializer has seen the registry's tables in place. Read by the catalog loader.</summary>
internal sealed class StoreState
{
    private readonly TaskCompletionSource _whenReady = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _whenReady.Task.IsCompleted;

    /// <summary>Completes once the schema is ready.</summary>
    public Task WhenReady => _whenReady.Task;

    public void MarkReady() => _whenReady.TrySetResult();
}
