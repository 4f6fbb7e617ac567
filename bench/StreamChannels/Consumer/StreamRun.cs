using AiMesh.Bench.StreamChannels.Wire;

namespace AiMesh.Bench.StreamChannels.Consumer;

/// <summary>One stream's receipts. The bus consumer runs up to prefetch-many chunks at once, hence the lock.</summary>
internal sealed class StreamRun(int count)
{
    private readonly Lock _gate = new();
    private readonly long[] _sent = new long[count];
    private readonly long[] _received = new long[count];
    private int _arrived;
    private int _highest = -1;
    private int _outOfOrder;
    private int _unexpected;

    /// <summary>Records one chunk; true when it was the stream's last missing one.</summary>
    public bool Record(int sequence, long sent, long received)
    {
        lock (_gate)
        {
            if (sequence < 0 || sequence >= count || _received[sequence] != 0)
            {
                _unexpected++;
                return false;
            }

            _sent[sequence] = sent;
            _received[sequence] = received;
            if (sequence < _highest)
            {
                _outOfOrder++;
            }
            else
            {
                _highest = sequence;
            }

            return ++_arrived == count;
        }
    }

    public StreamReceipt ToReceipt()
    {
        lock (_gate)
        {
            return new StreamReceipt([.. _sent], [.. _received], _arrived, _outOfOrder, _unexpected);
        }
    }
}
