using System.Text.Json;
using AiMesh.Contracts.Integration;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Routing;
using AiMesh.Metering.Storage;

namespace AiMesh.Metering.Recording;

/// <summary>RecordUsage in, a usage_events row; a row out, the UsageMetered event finance consumes.</summary>
internal static class UsageEventMapping
{
    /// <summary>
    /// Flattens <paramref name="usage"/> into a row, or throws <see cref="ArgumentException"/> for a record that can
    /// never be stored (the consumer definition does not retry those: they go straight to the error queue).
    /// Timestamps are stored in UTC at microsecond precision, the finest PostgreSQL keeps, so both providers hold
    /// the same values.
    /// </summary>
    public static UsageEvent ToUsageEvent(this RecordUsage usage, DateTimeOffset recordedAt, string? source = null)
    {
        Validate(usage);
        return new UsageEvent
        {
            EventId = UsageEventIds.For(usage.RequestId),
            RequestId = usage.RequestId,
            StartedAt = ToStoredTime(usage.StartedAt),
            FinishedAt = ToStoredTime(usage.FinishedAt),
            PrincipalId = usage.PrincipalId,
            KeyId = usage.KeyId,
            TeamId = usage.TeamId,
            OrganizationId = usage.OrganizationId,
            Api = usage.Api,
            ModelRequested = usage.ModelRequested,
            Deployment = usage.Deployment,
            Provider = usage.Provider,
            Attempts = usage.Attempts,
            Outcome = usage.Outcome,
            Status = usage.Status,
            ErrorCode = usage.ErrorCode,
            InputTokens = usage.Usage?.PromptTokens,
            OutputTokens = usage.Usage?.CompletionTokens,
            CachedTokens = usage.Usage?.CachedTokens,
            ReasoningTokens = usage.Usage?.ReasoningTokens,
            TokensEstimated = usage.Usage?.Estimated ?? false,
            CacheWriteTokens = usage.Usage?.CacheWriteTokens,
            Cost = usage.Cost?.Amount,
            CostCurrency = usage.Cost?.Currency,
            PriceTableVersion = usage.Cost?.PriceTableVersion,
            CostEstimated = usage.Cost?.Estimated,
            LatencyMs = usage.LatencyMs,
            FirstTokenMs = usage.FirstTokenMs,
            Stream = usage.Stream,
            ClientAddress = usage.ClientAddress,
            EndUser = usage.User,
            Tags = usage.Tags is null ? null : JsonSerializer.Serialize(new SortedDictionary<string, string>(usage.Tags.ToDictionary(), StringComparer.Ordinal)),
            PromptId = usage.PromptId,
            PromptVersion = usage.PromptVersion,
            RecordedAt = ToStoredTime(recordedAt),
            Source = source,
        };
    }

    /// <summary>
    /// Built from the stored row, not from the incoming message, so a duplicate republishes exactly what the first
    /// delivery published. The cost is the router's, the team and organization policy's, as stored.
    /// </summary>
    public static UsageMetered ToUsageMetered(this UsageEvent stored) => new(
        UsageEventId: stored.EventId,
        RequestId: stored.RequestId,
        OccurredAt: stored.FinishedAt,
        PrincipalId: stored.PrincipalId,
        TeamId: stored.TeamId,
        ModelRequested: stored.ModelRequested,
        Deployment: stored.Deployment,
        Outcome: stored.Outcome,
        InputTokens: stored.InputTokens ?? 0,
        OutputTokens: stored.OutputTokens ?? 0,
        Cost: stored.Cost,
        Currency: stored.CostCurrency,
        PriceTableVersion: stored.PriceTableVersion,
        CostEstimated: stored.CostEstimated,
        OrganizationId: stored.OrganizationId,
        Source: stored.Source);

    /// <summary>
    /// The usage record a router's report stands for when the ingress's never came: the router's outcome, status, error,
    /// attempts, tokens and cost, its start and end (latency = end − start), and who the route named; nothing the
    /// router never saw (client address, end user, tags, prompt). A key the route did not name is stored as empty.
    /// </summary>
    public static RecordUsage ToRecordUsage(this RouterReport report) => new(
        report.RequestId, report.StartedAt, report.EndedAt, report.PrincipalId ?? "", report.KeyId ?? "", report.Api, report.ModelRequested,
        report.Deployment, report.Provider, report.Attempts, report.Outcome, report.Status, report.ErrorCode, report.Usage,
        (report.EndedAt - report.StartedAt).TotalMilliseconds, report.FirstByteMs, report.Stream, null, null, null, null, null,
        report.Cost, report.TeamId, report.OrganizationId);

    /// <summary>The stored row as the usage record it was stored from (tags parsed back; bodies given apart, they live in their own table).</summary>
    public static RecordUsage ToRecordUsage(this UsageEvent stored, UsageBodies? bodies) => new(
        stored.RequestId,
        stored.StartedAt,
        stored.FinishedAt,
        stored.PrincipalId,
        stored.KeyId,
        stored.Api,
        stored.ModelRequested,
        stored.Deployment,
        stored.Provider,
        stored.Attempts,
        stored.Outcome,
        stored.Status,
        stored.ErrorCode,
        stored.InputTokens is { } input
            ? new TokenUsage(input, stored.OutputTokens ?? 0, stored.CachedTokens, stored.ReasoningTokens, stored.TokensEstimated, stored.CacheWriteTokens)
            : null,
        stored.LatencyMs,
        stored.FirstTokenMs,
        stored.Stream,
        stored.ClientAddress,
        stored.EndUser,
        stored.Tags is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(stored.Tags),
        stored.PromptId,
        stored.PromptVersion,
        stored.Cost is { } amount ? new Cost(amount, stored.CostCurrency ?? "", stored.PriceTableVersion ?? "", stored.CostEstimated ?? false) : null,
        stored.TeamId,
        stored.OrganizationId,
        bodies);

    public static DateTimeOffset ToStoredTime(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }

    // Only what no row could honestly hold. Anything else odd (an empty model name, a negative latency) is still
    // somebody's usage and is stored as sent rather than lost to the error queue.
    private static void Validate(RecordUsage usage)
    {
        if (usage.RequestId == Guid.Empty)
        {
            throw new ArgumentException("RecordUsage.RequestId is empty.", nameof(usage));
        }

        RequireText(usage.PrincipalId, nameof(RecordUsage.PrincipalId));
        RequireText(usage.KeyId, nameof(RecordUsage.KeyId));
        RequireText(usage.Api, nameof(RecordUsage.Api));
        RequireText(usage.ModelRequested, nameof(RecordUsage.ModelRequested));
        RequireText(usage.Outcome, nameof(RecordUsage.Outcome));
        if (usage.Attempts < 0)
        {
            throw new ArgumentException("RecordUsage.Attempts is negative.", nameof(usage));
        }

        if (usage.Usage is { } tokens &&
            (tokens.PromptTokens < 0 || tokens.CompletionTokens < 0 || tokens.CachedTokens < 0 || tokens.ReasoningTokens < 0))
        {
            throw new ArgumentException("RecordUsage.Usage has a negative token count.", nameof(usage));
        }
    }

    // The contract says non-null, but a message from another service is only as good as its serializer.
    private static void RequireText(string? value, string member)
    {
        if (value is null)
        {
            throw new ArgumentException($"RecordUsage.{member} is missing.", member);
        }
    }
}
