using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Tests.Support;

/// <summary>The chunks the test endpoint received, by request, with a way to wait for a number of them.</summary>
internal sealed class ChunkStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<Guid, List<CompletionChunk>> chunks = [];
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(CompletionChunk chunk)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            if (!chunks.TryGetValue(chunk.RequestId, out var list))
            {
                chunks[chunk.RequestId] = list = [];
            }

            list.Add(chunk);
            signal = changed;
            changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.SetResult();
    }

    /// <summary>The chunks of <paramref name="requestId"/> in sequence order, once at least <paramref name="count"/> arrived.</summary>
    public async Task<IReadOnlyList<CompletionChunk>> WaitForAsync(Guid requestId, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (chunks.TryGetValue(requestId, out var list) && list.Count >= count)
                {
                    return list.OrderBy(c => c.Sequence).ToArray();
                }

                next = changed.Task;
            }

            await next.WaitAsync(timeout.Token);
        }
    }
}
