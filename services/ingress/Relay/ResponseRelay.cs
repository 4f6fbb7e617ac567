using System.Threading.Channels;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Routing;
using AiMesh.Ingress.Bodies;
using AiMesh.Ingress.Saga;

namespace AiMesh.Ingress.Relay;

/// <summary>
/// Carries one request's answer from the bus to its HTTP exchange. Chunks may arrive out of order (concurrent
/// consumers) and before or after the saga's answer; the relay hands them out strictly in sequence and ends only
/// when every chunk the answer counts has been handed out.
/// </summary>
internal sealed class ResponseRelay
{
    private readonly Channel<object> _inbox = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SortedDictionary<int, string> _early = [];
    private int _next;
    private CompletionAnswered? _answer;
    private int _channelAttached;
    private long _answerArrivedAt;
    private RateLimitState? _limits;
    private int _decided;
    private TaskCompletionSource? _decision;

    // Null, the BodyCapture of a logged request, or Ended once the exchange is done (no capture can start after it).
    private object? _capture;
    private static readonly object Ended = new();

    // Posted after the last chunk a stream channel delivered: no chunk can come any more (see ChannelClosed).
    private static readonly object ChannelEnd = new();
    private bool _channelClosed;

    public ResponseRelay(Guid requestId)
    {
        RequestId = requestId;
    }

    public Guid RequestId { get; }

    /// <summary>Request fields the deployment sent without, as the first chunk reported them; null when none.</summary>
    public IReadOnlyList<string>? DroppedParameters { get; private set; }

    /// <summary>The caller's rate-limit standing once policy answered (null: no limit applies), for the response headers.</summary>
    public RateLimitState? Limits => Volatile.Read(ref _limits);

    /// <summary>Policy answered (admitted or refused): <see cref="Limits"/> is final. Called by the saga.</summary>
    public void Decided(RateLimitState? limits)
    {
        Volatile.Write(ref _limits, limits);
        Volatile.Write(ref _decided, 1);
        Volatile.Read(ref _decision)?.TrySetResult();
    }

    /// <summary>
    /// The standing for the headers, waiting at most <paramref name="patience"/> for policy's answer when the router's
    /// overtook it (possible when policy routes the request itself): that answer left policy just after the route, so it
    /// is normally a moment away. Nearly always decided already, and then this neither waits nor allocates.
    /// </summary>
    public async ValueTask<RateLimitState?> LimitsAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _decided) == 0)
        {
            var decision = Volatile.Read(ref _decision) ?? Interlocked.CompareExchange(ref _decision, new(TaskCreationOptions.RunContinuationsAsynchronously), null) ?? _decision!;
            if (Volatile.Read(ref _decided) == 0)
            {
                try
                {
                    await decision.Task.WaitAsync(patience, cancellationToken);
                }
                catch (TimeoutException)
                {
                    // Policy is slow or gone: the answer goes out without the headers rather than wait longer.
                }
            }
        }

        return Limits;
    }

    /// <summary>The request's body capture when its bodies are logged (set before <see cref="Decided"/>); null otherwise.</summary>
    public BodyCapture? Capture => Volatile.Read(ref _capture) as BodyCapture;

    /// <summary>Hands the exchange a capture to fill; false when the exchange has already ended (nothing would fill or end it).</summary>
    public bool TryStartCapture(BodyCapture capture) => Interlocked.CompareExchange(ref _capture, capture, null) is null;

    /// <summary>The exchange is done: no capture may start any more; returns the one that did, if any.</summary>
    public BodyCapture? EndCapture() => Interlocked.Exchange(ref _capture, Ended) as BodyCapture;

    /// <summary>Claims the request's one stream channel; false when a router already holds it.</summary>
    public bool TryAttachChannel() => Interlocked.Exchange(ref _channelAttached, 1) == 0;

    public void Post(CompletionChunk chunk) => _inbox.Writer.TryWrite(chunk);

    public void Post(CompletionAnswered answer) => _inbox.Writer.TryWrite(answer);

    /// <summary>
    /// The request's stream channel is closed, whole or broken; called after the last chunk it delivered was posted.
    /// No chunk can come any more (a router sends by bus only when the channel was refused, and a request takes one
    /// channel), so once the answer is here a chunk it counts that is still missing ends the stream at once instead of
    /// after the gap timeout: when the channel breaks, the chunk written into the break is counted and never comes.
    /// </summary>
    public void ChannelClosed() => _inbox.Writer.TryWrite(ChannelEnd);

    /// <summary>
    /// The next item in order: a chunk's data, or the answer once all its chunks were read. Waits at most
    /// <paramref name="gapTimeout"/> for chunks the answer counts but that have not come; then the answer is
    /// returned with <see cref="RelayItem.Incomplete"/> set, so the stream ends in an error, never as complete (at once
    /// when the stream channel has closed: see <see cref="ChannelClosed"/>).
    /// </summary>
    public async ValueTask<RelayItem> ReadAsync(TimeSpan gapTimeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_early.Remove(_next, out var ready))
            {
                _next++;
                return RelayItem.ForChunk(ready);
            }

            if (_answer is { } answer && _next >= answer.ChunkCount)
            {
                return RelayItem.ForAnswer(answer, incomplete: false);
            }

            object item;
            if (_answer is null)
            {
                item = await _inbox.Reader.ReadAsync(cancellationToken);
            }
            else
            {
                // Measured from the answer's arrival, not from this call: callers may read in short slices.
                var left = gapTimeout - TimeSpan.FromMilliseconds(Environment.TickCount64 - _answerArrivedAt);
                if (_inbox.Reader.TryRead(out var waiting))
                {
                    // Already delivered: a late reader must not call a chunk missing that is sitting in the inbox.
                    item = waiting;
                }
                else if (left <= TimeSpan.Zero || _channelClosed)
                {
                    return RelayItem.ForAnswer(_answer, incomplete: true);
                }
                else
                {
                    using var gap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    gap.CancelAfter(left);
                    try
                    {
                        item = await _inbox.Reader.ReadAsync(gap.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        return RelayItem.ForAnswer(_answer, incomplete: true);
                    }
                }
            }

            switch (item)
            {
                case CompletionChunk chunk when chunk.Sequence == _next:
                    DroppedParameters ??= chunk.DroppedParameters;
                    _next++;
                    return RelayItem.ForChunk(chunk.Data);
                case CompletionChunk chunk when chunk.Sequence > _next:
                    DroppedParameters ??= chunk.DroppedParameters;
                    _early[chunk.Sequence] = chunk.Data;
                    break;
                case CompletionAnswered a:
                    _answer = a;
                    _answerArrivedAt = Environment.TickCount64;
                    break;
                case var end when ReferenceEquals(end, ChannelEnd):
                    _channelClosed = true;
                    break;
                default:
                    // A duplicate of a chunk already relayed (redelivery): drop it.
                    break;
            }
        }
    }
}
