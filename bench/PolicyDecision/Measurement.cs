namespace AiMesh.Bench.PolicyDecision;

/// <summary>One measured round.</summary>
internal sealed record Measurement(int StoredKeys, int Asks, double P50Microseconds, double P99Microseconds, double LookupNanoseconds)
{
    public string Row() => FormattableString.Invariant(
        $"{StoredKeys,11:N0} | {Asks,4} | {P50Microseconds,33:F1} | {P99Microseconds,8:F1} | {LookupNanoseconds,23:F0}");
}
