using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Routing;

namespace AiMesh.Metering.Tests.Infrastructure;

/// <summary>RecordUsage messages for the specs.</summary>
internal static class Usages
{
    /// <summary>A tag value that must reach the database and never a log line.</summary>
    public const string SecretTagValue = "tag-value-never-logged-5d1f";

    /// <summary>Every member set, timestamps off UTC and finer than a microsecond.</summary>
    public static RecordUsage Full(Guid requestId) => new(
        RequestId: requestId,
        StartedAt: new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.FromHours(2)).AddTicks(5_358_979),
        FinishedAt: new DateTimeOffset(2026, 3, 14, 15, 9, 28, TimeSpan.FromHours(2)).AddTicks(3_846_264),
        PrincipalId: "team-finance/alice",
        KeyId: "key-7",
        Api: "chat.completions",
        ModelRequested: "gpt-4o",
        Deployment: "azure-eu-gpt-4o",
        Provider: "azure-openai",
        Attempts: 2,
        Outcome: CompletionOutcomes.Ok,
        Status: 200,
        ErrorCode: "retried_upstream_429",
        Usage: new TokenUsage(PromptTokens: 1234, CompletionTokens: 567, CachedTokens: 89, ReasoningTokens: 10, Estimated: true, CacheWriteTokens: 21),
        LatencyMs: 1848.25,
        FirstTokenMs: 312.5,
        Stream: true,
        ClientAddress: "203.0.113.7",
        User: "end-user-42",
        Tags: new Dictionary<string, string> { ["project"] = "apollo", ["cost-centre"] = SecretTagValue },
        PromptId: "support-answer",
        PromptVersion: "3",
        Cost: new Cost(FullCost, "USD", "2026-11-23+azure-eu-gpt-4o", Estimated: true),
        TeamId: "team-finance",
        OrganizationId: FullOrganization);

    /// <summary>The organization <see cref="Full"/> was admitted for.</summary>
    public const string FullOrganization = "0b9e0000-919e-faec-0001-08df488b00aa";

    /// <summary>
    /// More significant digits than a double holds (17), and a scale a price per token reaches: the store must keep
    /// the amount exactly, on either provider.
    /// </summary>
    public const decimal FullCost = 0.001234567890123456789012m;

    /// <summary>Only the members the contract requires.</summary>
    public static RecordUsage Minimal(Guid requestId) => new(
        RequestId: requestId,
        StartedAt: DateTimeOffset.UnixEpoch.AddDays(20_000),
        FinishedAt: DateTimeOffset.UnixEpoch.AddDays(20_000).AddSeconds(1),
        PrincipalId: "p",
        KeyId: "k",
        Api: "responses",
        ModelRequested: "m",
        Deployment: null,
        Provider: null,
        Attempts: 0,
        Outcome: CompletionOutcomes.Denied,
        Status: 429,
        ErrorCode: null,
        Usage: null,
        LatencyMs: 0,
        FirstTokenMs: null,
        Stream: false,
        ClientAddress: null,
        User: null,
        Tags: null,
        PromptId: null,
        PromptVersion: null);
}
