using AiMesh.Contracts.Metering;
using AiMesh.Metering.Storage;
using MassTransit;

namespace AiMesh.Metering.Reporting;

/// <summary>Answers <see cref="QueryUsage"/>, <see cref="ExportUsage"/> and <see cref="FindUsageRecord"/> (queue <c>aimesh-metering-queries</c>).</summary>
internal sealed class UsageQueriesConsumer(UsageReports reports, UsageQueries queries) : IConsumer<QueryUsage>, IConsumer<ExportUsage>, IConsumer<FindUsageRecord>
{
    public async Task Consume(ConsumeContext<FindUsageRecord> context) =>
        await context.RespondAsync(await queries.FindRecordAsync(context.Message, context.CancellationToken));

    public async Task Consume(ConsumeContext<QueryUsage> context) =>
        await context.RespondAsync(await reports.QueryAsync(context.Message, context.CancellationToken));

    public async Task Consume(ConsumeContext<ExportUsage> context) =>
        await context.RespondAsync(await reports.ExportAsync(context.Message, context.CancellationToken));
}
