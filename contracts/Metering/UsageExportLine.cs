namespace AiMesh.Contracts.Metering;

/// <summary>
/// One chargeback line: a team's usage on one UTC <see cref="Day"/> through one key, in one currency (null for the
/// requests whose cost is unknown), with the exact summed <see cref="Cost"/> and every price table version used.
/// </summary>
/// <param name="TeamId">The team the line's requests were admitted for; null for requests without a team (an
/// organization's export holds those too). Added after v1: a line from an older metering reads as null.</param>
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
    IReadOnlyList<string> PriceTableVersions,
    string? TeamId = null);
