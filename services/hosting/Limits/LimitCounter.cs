namespace AiMesh.Hosting.Limits;

/// <summary>
/// One counter a decision charges. A rate counter (<see cref="WindowMs"/> &gt; 0) adds <see cref="Amount"/> to the count
/// of the current window; a concurrency counter (<see cref="WindowMs"/> = 0) holds one slot for the request until it
/// ends or its hold expires. <see cref="Key"/> names the rule's kind, scope and value, never a secret.
/// </summary>
public sealed record LimitCounter(string Key, long Limit, long Amount, long WindowMs, LimitKind Kind)
{
    public bool IsConcurrency => WindowMs == 0;

    /// <summary>The start of the window <paramref name="nowMs"/> falls in (Unix milliseconds); windows are aligned to the epoch.</summary>
    public long WindowStart(long nowMs) => nowMs - (nowMs % WindowMs);

    /// <summary>The store key of the window's count: the counter's key and its window's start.</summary>
    public string WindowKey(long nowMs) => $"{Key}:{WindowStart(nowMs)}";
}
