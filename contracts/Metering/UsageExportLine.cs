namespace AiMesh.Contracts.Metering;

/// <summary>
/// One chargeback line: a team's usage on one UTC <see cref="Day"/> through one key, in one currency (null for the
/// requests whose cost is unknown), with the exact summed <see cref="Cost"/> and every price table version used.
/// </summary>
public sealed record UsageExportLine(
    DateOnly Day,
    string KeyId,
    long Requests,
    long InputTokens,
    long OutputTokens,
    long CachedTokens,
    long ReasoningTokens,
    decimal Cost,
    string? Currency,
    IReadOnlyList<string> PriceTableVersions);
