using AiMesh.Contracts.Metering;
using AiMesh.Metering.Feedback;
using AiMesh.Metering.Storage;
using MassTransit;

namespace AiMesh.Metering.Reporting;

/// <summary>
/// Answers <see cref="QueryUsage"/>, <see cref="ExportUsage"/>, <see cref="FindUsageRecord"/> and the shadow traffic's
/// <see cref="QueryShadowComparison"/> and <see cref="QueryShadowResults"/>, and the prompt experiments'
/// <see cref="QueryPromptStats"/> and <see cref="RecordFeedback"/> (queue <c>aimesh-metering-queries</c>: feedback is a
/// write, but a small one the caller waits for, like a query, and never behind a backlog of usage records).
/// </summary>
internal sealed class UsageQueriesConsumer(UsageReports reports, UsageQueries queries, ShadowReports shadow, PromptStats prompts, FeedbackRecorder feedback)
    : IConsumer<QueryUsage>, IConsumer<ExportUsage>, IConsumer<FindUsageRecord>, IConsumer<QueryShadowComparison>, IConsumer<QueryShadowResults>,
        IConsumer<QueryPromptStats>, IConsumer<RecordFeedback>
{
    public async Task Consume(ConsumeContext<QueryPromptStats> context) =>
        await context.RespondAsync(await prompts.QueryAsync(context.Message, context.CancellationToken));

    public async Task Consume(ConsumeContext<RecordFeedback> context) =>
        await context.RespondAsync(await feedback.RecordAsync(context.Message, context.CancellationToken));

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
