namespace AiMesh.MockProvider.Scenarios;

/// <summary>How one request is answered: pacing, length and the fault to inject, after merging the spec over the defaults.</summary>
internal sealed record Scenario
{
    /// <summary>A bound on reply length so a typo such as tokens=10000000000 cannot exhaust memory.</summary>
    public const int MaxTokens = 1_000_000;

    public int LatencyMs { get; init; }

    public int TtftMs { get; init; }

    public int PaceMs { get; init; }

    public int Tokens { get; init; }

    /// <summary>Answer with this error status instead of a reply.</summary>
    public int? Status { get; init; }

    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Only the first N requests with the same spec string fail with <see cref="Status"/>.</summary>
    public int? StatusCount { get; init; }

    /// <summary>Of the requests with the same spec string, the 1st, the (N+1)th, the (2N+1)th… fail with <see cref="Status"/>: a share of 1/N, spread evenly.</summary>
    public int? StatusEvery { get; init; }

    public int? CutAfter { get; init; }

    public int? StallAfter { get; init; }

    /// <summary>How long a stall lasts; null stalls until the caller goes away.</summary>
    public int? StallMs { get; init; }

    /// <summary>Streamed: after this many content chunks, the provider's in-stream error event ends the stream (Anthropic's <c>error</c> event).</summary>
    public int? ErrorAfter { get; init; }

    /// <summary>The status whose error type <see cref="ErrorAfter"/> reports; null: the provider's overloaded error.</summary>
    public int? ErrorStatus { get; init; }

    public bool NoUsage { get; init; }

    public string? Finish { get; init; }

    /// <summary>Streamed (Bedrock): after the content, send this exception event (e.g. <c>throttlingException</c>) instead of the stop.</summary>
    public string? StreamError { get; init; }

    /// <summary>
    /// Streamed text: each content piece is replaced by the monotonic clock reading (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>)
    /// at the moment it is written, then a space, so a benchmark client on the same machine measures each chunk's
    /// latency through a gateway.
    /// </summary>
    public bool Stamp { get; init; }

    /// <summary>The raw spec strings (path, then header) that <see cref="StatusCount"/> and <see cref="StatusEvery"/> count by.</summary>
    public string? CounterKey { get; init; }

    public static Scenario FromOptions(MockProviderOptions options) => new()
    {
        LatencyMs = options.LatencyMs,
        TtftMs = options.TtftMs,
        PaceMs = options.PaceMs,
        Tokens = options.Tokens,
    };

    /// <summary>What to write for a streamed text piece: the piece, or with <see cref="Stamp"/> the clock reading now.</summary>
    public string TextPiece(string piece) =>
        Stamp ? System.Diagnostics.Stopwatch.GetTimestamp().ToString(System.Globalization.CultureInfo.InvariantCulture) + " " : piece;
}
