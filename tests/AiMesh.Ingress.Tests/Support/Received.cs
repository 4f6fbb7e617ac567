namespace AiMesh.Ingress.Tests.Support;

/// <summary>Messages a stub received, in arrival order, with a way to wait for one that matches.</summary>
internal sealed class Received<T>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Lock gate = new();
    private readonly List<T> items = [];
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(T item)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            items.Add(item);
            signal = changed;
            changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.SetResult();
    }

    public IReadOnlyList<T> Snapshot()
    {
        lock (gate)
        {
            return items.ToArray();
        }
    }

    /// <summary>The first item matching <paramref name="match"/>, waiting (generously) for it to arrive.</summary>
    public async Task<T> WaitForAsync(Func<T, bool> match)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            Task next;
            lock (gate)
            {
                foreach (var item in items)
                {
                    if (match(item))
                    {
                        return item;
                    }
                }

                next = changed.Task;
            }

            await next.WaitAsync(timeout.Token);
        }
    }
}
