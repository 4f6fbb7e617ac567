namespace AiMesh.Metering.Projections;

/// <summary>
/// One row of <c>usage_rollups</c>: an hour (UTC, as Unix seconds of its start), a dimension and its value, and the
/// currency of the cost summed there ("" for requests without a cost), so amounts of two currencies never add up.
/// </summary>
internal readonly record struct RollupKey(long HourStart, string Dimension, string Value, string Currency) : IComparable<RollupKey>
{
    /// <summary>The order rows are upserted in, so two writers lock the rows they share in the same order (no deadlock).</summary>
    public int CompareTo(RollupKey other)
    {
        var order = HourStart.CompareTo(other.HourStart);
        order = order != 0 ? order : string.CompareOrdinal(Dimension, other.Dimension);
        order = order != 0 ? order : string.CompareOrdinal(Value, other.Value);
        return order != 0 ? order : string.CompareOrdinal(Currency, other.Currency);
    }
}
