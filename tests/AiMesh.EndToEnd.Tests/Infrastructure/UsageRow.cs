namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>The columns of a stored usage event the tests look at.</summary>
public sealed record UsageRow(
    Guid RequestId, string Outcome, int Status, string ModelRequested, string? Deployment, int PromptTokens, int CompletionTokens, string PrincipalId, string? PromptId,
    decimal? Cost = null, string? Currency = null, string? PriceTableVersion = null, bool? CostEstimated = null, string? TeamId = null, string? Tags = null, string? Source = null);
