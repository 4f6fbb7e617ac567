using AiMesh.Bench.StreamChannels.Wire;
using System.Collections.Concurrent;

namespace AiMesh.Bench.StreamChannels.Consumer;

/// <summary>
/// The streams of one measured phase. A stream starts with its first chunk to arrive, so the driver announces
/// only the phase (and how many chunks a stream has), not every stream: the control traffic inside a measured
/// phase is one request, whatever its length.
/// </summary>
internal sealed class Phase(int chunksPerStream)
{
    private readonly ConcurrentDictionary<Guid, StreamRun> _streams = new();
    private readonly Lock _gate = new();
    private int _complete;
    private int _target = int.MaxValue;
    private TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Record(Guid stream, int sequence, long sent, long received)
    {
        if (_streams.GetOrAdd(stream, _ => new StreamRun(chunksPerStream)).Record(sequence, sent, received))
        {
            lock (_gate)
            {
                if (++_complete >= _target)
                {
                    _reached.TrySetResult();
                }
            }
        }
    }

    /// <summary>Waits until <paramref name="streams"/> streams are complete or <paramref name="timeout"/> passed; false on timeout.</summary>
    public async Task<bool> WaitForAsync(int streams, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task reached;
        lock (_gate)
        {
            if (_complete >= streams)
            {
                return true;
            }

            _target = streams;
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            reached = _reached.Task;
        }

        try
        {
            await reached.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The phase as the driver needs it: totals always, every stream's stamps when asked.</summary>
    public PhaseReceipt ToReceipt(bool detail)
    {
        var streams = _streams.Values.Select(s => s.ToReceipt()).ToArray();
        long firstSent = long.MaxValue, lastReceived = 0;
        foreach (var stream in streams)
        {
            for (var i = 0; i < stream.Received.Length; i++)
            {
                if (stream.Received[i] != 0)
                {
                    firstSent = Math.Min(firstSent, stream.Sent[i]);
                    lastReceived = Math.Max(lastReceived, stream.Received[i]);
                }
            }
        }

        return new PhaseReceipt(
            streams.Length,
            streams.Sum(s => s.Arrived),
            streams.Sum(s => s.OutOfOrder),
            streams.Sum(s => s.Unexpected),
            lastReceived == 0 ? 0 : firstSent,
            lastReceived,
            detail ? streams : null);
    }
}
