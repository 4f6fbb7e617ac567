using System.Collections.Concurrent;

namespace AiMesh.Ingress.Chains;

/// <summary>
/// The chain runs whose clients this process holds, by run id: where the chain saga hands a run's
/// <see cref="ChainOutcome"/> to its exchange (the <see cref="Relay.ResponseRelays"/> of a run, which has one answer and no chunks).
/// </summary>
internal sealed class ChainRuns
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<ChainOutcome>> _open = new();

    public Task<ChainOutcome> Open(Guid runId)
    {
        var outcome = new TaskCompletionSource<ChainOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _open[runId] = outcome;
        return outcome.Task;
    }

    /// <summary>Hands the outcome to the run's exchange; nothing when it is gone (its client left).</summary>
    public void Ended(Guid runId, ChainOutcome outcome)
    {
        if (_open.TryGetValue(runId, out var waiting))
        {
            waiting.TrySetResult(outcome);
        }
    }

    /// <summary>Whether the run's exchange still waits for it (it closes the run once it answered or gave it up).</summary>
    public bool IsOpen(Guid runId) => _open.ContainsKey(runId);

    public void Close(Guid runId) => _open.TryRemove(runId, out _);
}
