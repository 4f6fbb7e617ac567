using AiMesh.Router.Configuration;

namespace AiMesh.Router.Transport;

/// <summary>
/// The clocks of one provider call and the cancellation they drive. One "stage" timer serves first as the
/// first-byte timeout, then as the idle timeout re-armed before every read; a total timer caps the call at the
/// tighter of the router's total and the request's deadline. When a token fires, <see cref="Reason"/> says which
/// clock (or the client) did it, so every cancellation maps to exactly one failure.
/// </summary>
internal sealed class CallClock : IDisposable
{
    private readonly CancellationToken abandoned;
    private readonly TimeSpan idle;
    private readonly bool deadlineIsTighter;
    private readonly CancellationTokenSource total;
    private readonly CancellationTokenSource stage;
    private readonly CancellationTokenSource read;
    private readonly CancellationTokenSource send;

    public CallClock(RouterTimeoutOptions timeouts, TimeSpan untilDeadline, TimeProvider time, CancellationToken abandoned)
    {
        this.abandoned = abandoned;
        idle = timeouts.Idle;
        deadlineIsTighter = untilDeadline < timeouts.Total;
        total = new CancellationTokenSource(deadlineIsTighter ? untilDeadline : timeouts.Total, time);
        stage = new CancellationTokenSource(timeouts.FirstByte, time);
        read = CancellationTokenSource.CreateLinkedTokenSource(abandoned, total.Token, stage.Token);
        send = CancellationTokenSource.CreateLinkedTokenSource(abandoned, total.Token);
    }

    /// <summary>For everything that waits on the provider: all clocks and the client.</summary>
    public CancellationToken ReadToken => read.Token;

    /// <summary>For sending chunks on the bus: the provider's stage clock does not apply to it.</summary>
    public CancellationToken SendToken => send.Token;

    /// <summary>Whether some clock or the client cancelled the call.</summary>
    public bool Fired => read.IsCancellationRequested;

    /// <summary>Starts the idle timeout for the next read.</summary>
    public void ArmIdle() => stage.CancelAfter(idle);

    /// <summary>Stops the stage timer while the router, not the provider, is busy (sending a chunk).</summary>
    public void Disarm() => stage.CancelAfter(Timeout.InfiniteTimeSpan);

    /// <summary>Which clock fired, the client first: an abandoned call is reported as cancelled whatever else timed out.</summary>
    /// <param name="answerStarted">Whether the stage timer was measuring idleness rather than the first byte.</param>
    public FailureKind? Reason(bool answerStarted)
    {
        if (abandoned.IsCancellationRequested)
        {
            return FailureKind.Cancelled;
        }

        if (total.IsCancellationRequested)
        {
            return deadlineIsTighter ? FailureKind.DeadlineExceeded : FailureKind.TotalTimeout;
        }

        if (stage.IsCancellationRequested)
        {
            return answerStarted ? FailureKind.IdleTimeout : FailureKind.FirstByteTimeout;
        }

        return null;
    }

    public void Dispose()
    {
        send.Dispose();
        read.Dispose();
        stage.Dispose();
        total.Dispose();
    }
}
