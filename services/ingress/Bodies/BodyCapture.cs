using AiMesh.Contracts.Metering;

namespace AiMesh.Ingress.Bodies;

/// <summary>
/// One logged request's bodies, meeting its usage record. Made by the saga when policy's admission says the key or its
/// team logs bodies (<c>RequestAuthorized.LogBodies</c>) and handed to the request's relay, so the exchange holding the
/// client fills it as it writes: the answer it wrote, or the stream's chunks it relayed (references only: they are
/// strings already made). Two sides end it, in either order: the exchange when it is done with the client
/// (<see cref="ExchangeEnded"/>, with the request body as received) and the saga when it makes the usage record
/// (<see cref="Recorded"/>). A request naming a stored prompt also gets the body the prompts service rendered
/// (<see cref="Rendered"/>, from the saga, before routing). The second one builds the redacted, capped bodies (<see cref="BodyLog"/>) and enqueues
/// the record with them: a logged record leaves only once the answer is complete, and no secret leaves the ingress.
/// <para>
/// Never made when logging is off: that path allocates nothing for bodies and reads one null field per chunk.
/// </para>
/// </summary>
internal sealed class BodyCapture(int maxBytes, ILogger logger)
{
    /// <summary>Chunks kept, in characters of their JSON: beyond, a stream's answer is cut (assembled text is far smaller than its events).</summary>
    private readonly long _maxChunkChars = 16L * maxBytes;
    private readonly Lock _gate = new();
    private readonly List<string> _chunks = [];
    private long _chunkChars;
    private bool _chunksCut;
    private string? _answer;
    private string? _rendered;
    private byte[]? _request;
    private string? _knownSecret;
    private bool _exchangeEnded;
    private RecordUsage? _record;
    private Action<RecordUsage>? _enqueue;

    /// <summary>One streamed chunk the exchange wrote, in order.</summary>
    public void Chunk(string data)
    {
        lock (_gate)
        {
            if (_chunkChars + data.Length > _maxChunkChars)
            {
                _chunksCut = true;
                return;
            }

            _chunks.Add(data);
            _chunkChars += data.Length;
        }
    }

    /// <summary>The whole answer the exchange wrote.</summary>
    public void Answer(string json)
    {
        lock (_gate)
        {
            _answer = json;
        }
    }

    /// <summary>The request as the prompts service rendered it (the body the saga routes); a reference, redacted at the end like the rest.</summary>
    public void Rendered(string body)
    {
        lock (_gate)
        {
            _rendered = body;
        }
    }

    /// <summary>The exchange is done: <paramref name="request"/> is the body as the client sent it, <paramref name="knownSecret"/> the key it presented.</summary>
    public void ExchangeEnded(byte[] request, string? knownSecret)
    {
        lock (_gate)
        {
            _request = request;
            _knownSecret = knownSecret;
            _exchangeEnded = true;
            if (_record is null)
            {
                return;
            }
        }

        Complete();
    }

    /// <summary>The saga's usage record, to be enqueued with the bodies once the exchange is done.</summary>
    public void Recorded(RecordUsage record, Action<RecordUsage> enqueue)
    {
        lock (_gate)
        {
            _record = record;
            _enqueue = enqueue;
            if (!_exchangeEnded)
            {
                return;
            }
        }

        Complete();
    }

    private void Complete()
    {
        // Both sides have finished writing: nothing changes below any more.
        UsageBodies? bodies = null;
        try
        {
            bodies = BodyLog.Build(_request!, _answer, _chunks.Count > 0 || _chunksCut ? _chunks : null, _chunksCut, maxBytes, _knownSecret, _rendered);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The usage record is owed whatever happened to its bodies: it leaves without them (never unredacted).
            IngressLog.BodiesNotLogged(logger, _record!.RequestId, exception.GetType().Name);
        }

        _enqueue!(_record! with { Bodies = bodies });
    }
}
