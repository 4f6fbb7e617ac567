namespace AiMesh.Bench.StreamChannels.Consumer;

/// <summary>The phase being measured; chunks that arrive while none is open are counted as stray and dropped.</summary>
internal sealed class PhaseBoard
{
    private Phase? _current;
    private long _stray;

    public long Stray => Interlocked.Read(ref _stray);

    public Phase? Current => Volatile.Read(ref _current);

    public void Open(int chunksPerStream) => Volatile.Write(ref _current, new Phase(chunksPerStream));

    public void Record(Guid stream, int sequence, long sent, long received)
    {
        if (Current is { } phase)
        {
            phase.Record(stream, sequence, sent, received);
        }
        else
        {
            Interlocked.Increment(ref _stray);
        }
    }
}
