using AiMesh.Contracts.Metering;
using AiMesh.Metering.Storage;
using MassTransit;

namespace AiMesh.Metering.Reporting;

/// <summary>
/// Answers <see cref="QueryUsage"/>, <see cref="ExportUsage"/>, <see cref="FindUsageRecord"/> and the shadow traffic's
/// <see cref="QueryShadowComparison"/> and <see cref="QueryShadowResults"/> (queue <c>aimesh-metering-queries</c>).
/// </summary>
internal sealed class UsageQueriesConsumer(UsageReports reports, UsageQueries queries, ShadowReports shadow)
    : IConsumer<QueryUsage>, IConsumer<ExportUsage>, IConsumer<FindUsageRecord>, IConsumer<QueryShadowComparison>, IConsumer<QueryShadowResults>
{
    public async Task Consume(ConsumeContext<FindUsageRecord> context) =>
        await context.RespondAsync(await queries.FindRecordAsync(context.Message, context.CancellationToken));

    public async Task Consume(ConsumeContext<QueryUsage> context) =>
        await context.RespondAsync(await reports.QueryAsync(context.Message, context.CancellationToken));

    public async Task Consume(ConsumeContext<ExportUsage> context) =>
        await context.RespondAsync(await reports.ExportAsync(context.Message, context.CancellationToken));

    public async Task Consume(ConsumeContext<QueryShadowComparison> context) =>
        await context.RespondAsync(await shadow.CompareAsync(context.Message, context.CancellationToken));

    public async Task Consume(ConsumeContext<QueryShadowResults> context) =>
        await context.RespondAsync(await shadow.PageAsync(context.Message, context.CancellationToken));
}
