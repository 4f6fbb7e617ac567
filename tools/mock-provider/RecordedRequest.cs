namespace AiMesh.MockProvider;

/// <summary>
/// One request the mock received. The request side is fixed when it arrives; the outcome
/// (<see cref="StatusCode"/>, <see cref="Completed"/>, <see cref="Cancelled"/>, <see cref="Aborted"/>) is filled
/// in when the mock is done with it, which <see cref="Finished"/> tells.
/// </summary>
public sealed class RecordedRequest
{
    private volatile int _statusCode;
    private volatile bool _completed;
    private volatile bool _cancelled;
    private volatile bool _aborted;
    private volatile bool _finished;
    private volatile string _body = "";

    internal RecordedRequest(long id, DateTimeOffset receivedAt, string method, string path, string? scenario, IReadOnlyDictionary<string, string> headers)
    {
        Id = id;
        ReceivedAt = receivedAt;
        Method = method;
        Path = path;
        Scenario = scenario;
        Headers = headers;
    }

    /// <summary>Sequence number, 1 for the first request this server saw; not reset by <see cref="MockRecorder.Clear"/>.</summary>
    public long Id { get; }

    public DateTimeOffset ReceivedAt { get; }

    public string Method { get; }

    /// <summary>The path without the <c>/s/{spec}</c> prefix, e.g. <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>The spec from the <c>/s/{spec}</c> path prefix (decoded), or null. The header's spec is in <see cref="Headers"/>.</summary>
    public string? Scenario { get; }

    /// <summary>All request headers, names in lower case, repeated values joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The query string as sent, with its leading <c>?</c> ("" when none), e.g. Azure's <c>?api-version=…</c>.</summary>
    public string Query { get; internal set; } = "";

    /// <summary>The request body as UTF-8 text ("" until it has been read).</summary>
    public string Body
    {
        get => _body;
        internal set => _body = value;
    }

    /// <summary>The status code the mock answered with; 0 until finished.</summary>
    public int StatusCode => _statusCode;

    /// <summary>The mock wrote the whole response (for a stream: through <c>data: [DONE]</c>).</summary>
    public bool Completed => _completed;

    /// <summary>The caller went away (HttpContext.RequestAborted fired) before the response was complete.</summary>
    public bool Cancelled => _cancelled;

    /// <summary>The mock broke the connection on purpose (<c>cutAfter</c>) or because it was shutting down.</summary>
    public bool Aborted => _aborted;

    /// <summary>
    /// The mock is done with this request. Then at most one of <see cref="Completed"/> (an error answer sent in full
    /// counts), <see cref="Cancelled"/> or <see cref="Aborted"/> holds; none does only if the mock itself failed.
    /// </summary>
    public bool Finished => _finished;

    internal void Finish(int statusCode, bool completed, bool cancelled, bool aborted)
    {
        _statusCode = statusCode;
        _completed = completed;
        _cancelled = cancelled;
        _aborted = aborted;
        // Written last: readers that see Finished also see the outcome.
        _finished = true;
    }
}
