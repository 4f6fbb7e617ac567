using AiMesh.Metering.Storage;

namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>Reads the usage log through the metering service's own queries, in the host that runs metering.</summary>
internal static class MeteringReader
{
    public static async Task<IReadOnlyList<UsageRow>> ReadAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<UsageQueries>().ReadAfterAsync(0, 100_000);
        return events.Select(e => new UsageRow(
            e.RequestId, e.Outcome, e.Status, e.ModelRequested, e.Deployment, e.InputTokens ?? 0, e.OutputTokens ?? 0, e.PrincipalId, e.PromptId,
            e.Cost, e.CostCurrency, e.PriceTableVersion, e.CostEstimated, e.TeamId, e.Tags, e.Source)).ToArray();
    }
}
