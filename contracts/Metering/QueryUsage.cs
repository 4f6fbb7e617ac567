namespace AiMesh.Contracts.Metering;

/// <summary>
/// Asks metering for usage from its hourly rollups, answered by <see cref="UsageReport"/> (queue
/// <c>aimesh-metering-queries</c>). The period covers every whole UTC hour that starts in [<see cref="From"/>,
/// <see cref="To"/>). <see cref="Dimension"/> is one of <c>all</c>, <c>key</c>, <c>user</c>, <c>team</c>,
/// <c>org</c> (added after v1: a metering that predates it answers with an error), <c>model</c>, <c>deployment</c>; <see cref="Values"/> keeps only those values (null: every value; empty: none).
/// <see cref="GroupBy"/> is <c>hour</c>, <c>day</c> (UTC days, summed from hours) or <c>total</c>.
/// The asker decides what a caller may see: metering answers what it is asked.
/// </summary>
[TransientMessage]
public sealed record QueryUsage(
    Guid RequestId,
    DateTimeOffset From,
    DateTimeOffset To,
    string Dimension,
    IReadOnlyList<string>? Values,
    string GroupBy);
