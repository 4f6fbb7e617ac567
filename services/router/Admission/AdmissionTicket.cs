namespace AiMesh.Router.Admission;

/// <summary>
/// One request's place in an <see cref="AdmissionLine"/>. It is woken (<see cref="Wake"/>) when it becomes the head,
/// and while it is the head whenever capacity may have come back; a wake that comes while it is trying is kept, so none
/// is lost between a refusal and the next wait. Disposing it leaves the line and wakes the next head.
/// </summary>
internal sealed class AdmissionTicket(AdmissionLine line, Guid requestId, int priority, long sequence, long joinedAt) : IDisposable
{
    private readonly Lock gate = new();
    private TaskCompletionSource? waiting;
    private bool signalled;
    private int left;

    public Guid RequestId { get; } = requestId;

    public int Priority { get; } = priority;

    /// <summary>Arrival order within the line: equal priorities are served by it.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>When it joined (<see cref="TimeProvider.GetTimestamp"/>), for the wait-time histogram.</summary>
    public long JoinedAt { get; } = joinedAt;

    public bool IsHead => line.IsHead(this);

    /// <summary>Waits until woken or <paramref name="timeout"/> passed (false then); throws when <paramref name="cancellationToken"/> fires.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task wake;
        lock (gate)
        {
            if (signalled)
            {
                signalled = false;
                return true;
            }

            waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wake = waiting.Task;
        }

        try
        {
            await wake.WaitAsync(timeout, time, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            lock (gate)
            {
                // Woken in the same instant as the timeout or the cancellation: the wake is spent either way, the
                // caller tries (or leaves, waking the next head).
                waiting = null;
                signalled = false;
            }
        }
    }

    public void Wake()
    {
        lock (gate)
        {
            if (waiting is { } sleeper)
            {
                sleeper.TrySetResult();
                waiting = null;
            }
            else
            {
                signalled = true;
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref left, 1) == 0)
        {
            line.Leave(this);
        }
    }
}
