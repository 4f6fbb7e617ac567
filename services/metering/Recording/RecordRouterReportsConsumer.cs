using AiMesh.Contracts.Metering;
using AiMesh.Metering.Storage;
using MassTransit;

namespace AiMesh.Metering.Recording;

/// <summary>
/// Keeps the routers' reports (<see cref="RecordRouterReports"/>, on their own queue <c>aimesh-metering-reports</c>)
/// in <c>router_reports</c> with one insert per message, a report already kept ignored (insert-or-ignore on the request
/// id). Nothing is published: a report is only the fallback the reconciler (<see cref="UsageReconciler"/>) writes a
/// usage event from when the ingress's record never comes. A report that could never become a usage event faults the
/// message at once (to <c>aimesh-metering_error</c>, not retried); a store outage is waited out like a usage record's
/// (the same retry and kill switch, <see cref="StoreReliability"/>).
/// </summary>
internal sealed class RecordRouterReportsConsumer(
    IServiceScopeFactory scopes,
    SchemaState schema,
    TimeProvider time,
    MeteringMetrics metrics,
    ILogger<RecordRouterReportsConsumer> logger) : IConsumer<RecordRouterReports>
{
    public async Task Consume(ConsumeContext<RecordRouterReports> context)
    {
        var now = time.GetUtcNow();
        var reports = (context.Message.Reports ?? []).Select(report => Checked(report, now)).DistinctBy(report => report.RequestId).ToArray();
        if (reports.Length == 0)
        {
            return;
        }

        schema.ThrowIfNotReady();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
        var inserted = await RouterReportTable.InsertAsync(db, reports, now, context.CancellationToken);
        metrics.ReportsKept(inserted);
        MeteringLog.ReportsKept(logger, reports.Length, inserted);
    }

    /// <summary>The usage event the report would become is built now, so a report that could never be one fails here, not in the reconciler.</summary>
    private static RouterReport Checked(RouterReport? report, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(report);
        _ = report.ToRecordUsage().ToUsageEvent(now, UsageSources.Router);
        return report;
    }
}
