namespace AiMesh.MockProvider;

/// <summary>
/// What the mock received, oldest first, capped so a long benchmark does not grow without bound.
/// Tests use <see cref="WaitForAsync"/> to wait until the mock is done with a call (e.g. saw it cancelled).
/// </summary>
public sealed class MockRecorder
{
    private readonly Lock _gate = new();
    private readonly Queue<RecordedRequest> _entries = new();
    private readonly List<Waiter> _waiters = [];
    private readonly int _capacity;
    private long _nextId;

    internal MockRecorder(bool enabled, int capacity)
    {
        Enabled = enabled;
        _capacity = capacity;
    }

    /// <summary>False when the server was started with <see cref="MockProviderOptions.Record"/> off; nothing is recorded then.</summary>
    public bool Enabled { get; }

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_gate)
        {
            return [.. _entries];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    /// <summary>
    /// Completes with the first recorded request that matches <paramref name="predicate"/> once the mock is done
    /// with it (<see cref="RecordedRequest.Finished"/>); the predicate sees the finished request.
    /// </summary>
    /// <exception cref="TimeoutException">No such request finished within <paramref name="timeout"/>.</exception>
    public async Task<RecordedRequest> WaitForAsync(Func<RecordedRequest, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        Waiter waiter;
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                if (entry.Finished && predicate(entry))
                {
                    return entry;
                }
            }

            waiter = new Waiter(predicate);
            _waiters.Add(waiter);
        }

        try
        {
            return await waiter.Result.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No matching request finished within {timeout}; {Snapshot().Count} recorded.");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    internal RecordedRequest? Begin(string method, string path, string? scenario, IReadOnlyDictionary<string, string> headers)
    {
        if (!Enabled)
        {
            return null;
        }

        var entry = new RecordedRequest(Interlocked.Increment(ref _nextId), DateTimeOffset.UtcNow, method, path, scenario, headers);
        lock (_gate)
        {
            _entries.Enqueue(entry);
            while (_entries.Count > _capacity)
            {
                _entries.Dequeue();
            }
        }

        return entry;
    }

    internal void Finish(RecordedRequest entry, int statusCode, bool completed, bool cancelled, bool aborted)
    {
        entry.Finish(statusCode, completed, cancelled, aborted);
        lock (_gate)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var waiter = _waiters[i];
                if (waiter.Matches(entry))
                {
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    private sealed class Waiter(Func<RecordedRequest, bool> predicate)
    {
        public TaskCompletionSource<RecordedRequest> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>A predicate that throws fails the test's wait, not the request being recorded.</summary>
        public bool Matches(RecordedRequest entry)
        {
            bool matched;
            try
            {
                matched = predicate(entry);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return Result.TrySetException(ex);
            }

            return matched && Result.TrySetResult(entry);
        }
    }
}
