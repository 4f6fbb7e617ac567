using AiMesh.Contracts.Metering;
using MassTransit;

namespace AiMesh.Metering.Reporting;

/// <summary>Answers <see cref="QueryUsage"/> and <see cref="ExportUsage"/> (queue <c>aimesh-metering-queries</c>).</summary>
internal sealed class UsageQueriesConsumer(UsageReports reports) : IConsumer<QueryUsage>, IConsumer<ExportUsage>
{
    public async Task Consume(ConsumeContext<QueryUsage> context) =>
        await context.RespondAsync(await reports.QueryAsync(context.Message, context.CancellationToken));

    public async Task Consume(ConsumeContext<ExportUsage> context) =>
        await context.RespondAsync(await reports.ExportAsync(context.Message, context.CancellationToken));
}
