using AiMesh.Contracts.Metering;
using AiMesh.Metering.Configuration;
using AiMesh.Metering.Storage;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Metering.Recording;

/// <summary>
/// Closes promise 2's crash window: every <see cref="MeteringReconcileOptions.Interval"/> (30 s) each metering replica
/// compares <c>router_reports</c> with <c>usage_events</c>.
/// <list type="number">
/// <item>A report whose request has the ingress's usage event is deleted (one set delete; the table stays small).</item>
/// <item>A report past its request's deadline plus <see cref="MeteringReconcileOptions.IngressGrace"/> (5 min) with no
/// usage event means the ingress died holding the record: the event is written from the report
/// (<c>source = router</c>) through the same group commit as every record (<see cref="UsageBatchWriter"/>: the unique
/// request id, the rollups in the same transaction), <c>UsageMetered</c> is published for it as for any event, counted
/// (<c>aimesh.metering.usage.recovered</c>) and logged (4040), and the report deleted. Replicas racing on one report:
/// the unique request id decides, and the loser publishes nothing and leaves the report to the winner.</item>
/// <item>A report whose event metering wrote from it more than <see cref="RepublishAfter"/> ago is a reconciler that
/// stopped between commit and publish: the stored event is published again (same message id) and the report deleted.</item>
/// </list>
/// An ingress record arriving after step 2 is ignored like a duplicate and counted apart (<see cref="UsageLog"/>).
/// </summary>
internal sealed class UsageReconciler(
    IServiceScopeFactory scopes,
    UsageBatchWriter writer,
    SchemaState schema,
    IOptions<MeteringOptions> options,
    TimeProvider time,
    MeteringMetrics metrics,
    IServiceProvider services,
    ILogger<UsageReconciler> logger) : BackgroundService
{
    /// <summary>Reports handled per read.</summary>
    public const int MaxPerRead = 256;

    /// <summary>How old a recovered event whose report is still kept must be before it is published again.</summary>
    public static readonly TimeSpan RepublishAfter = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Reconcile.Interval;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!schema.IsReady)
                {
                    continue;
                }

                try
                {
                    await ReconcileAsync(stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // A database or broker outage: the reports stay, and the next round does what this one could not.
                    MeteringLog.ReconcileFailed(logger, exception, interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
    }

    /// <summary>One reconciliation (the loop's round; tests call it directly).</summary>
    public async Task<ReconcileRound> ReconcileAsync(CancellationToken cancellationToken)
    {
        schema.ThrowIfNotReady();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeteringDbContext>();
        var deleted = await RouterReportTable.DeleteRecordedAsync(db, cancellationToken);
        var republished = await RepublishOrphansAsync(db, scope.ServiceProvider.GetRequiredService<UsageQueries>(), cancellationToken);

        var now = time.GetUtcNow();
        var due = now - options.Value.Reconcile.IngressGrace;
        int recovered = 0, lost = 0;
        while (true)
        {
            var overdue = await RouterReportTable.OverdueAsync(db, due, MaxPerRead, cancellationToken);
            if (overdue.Count == 0)
            {
                break;
            }

            // All at once: the writer's group commit takes them in one statement and one transaction.
            var writes = overdue.Select(report => RecoverAsync(report, now, cancellationToken)).ToArray();
            var results = await Task.WhenAll(writes);
            var won = results.Where(r => r.Inserted).ToArray();
            var publish = Publisher();
            foreach (var (report, usageEvent, _) in won)
            {
                var metered = usageEvent.ToUsageMetered();
                await publish.Publish(metered, context => context.MessageId = metered.UsageEventId, cancellationToken);
                metrics.Recovered();
                MeteringLog.UsageRecovered(logger, report.RequestId, usageEvent.EventId, report.Outcome, report.Attempts);
            }

            // Only the winner deletes: a report lost to a racing replica is that replica's to delete once it published,
            // one lost to the ingress's late record goes with step 1 of the next round.
            await RouterReportTable.DeleteAsync(db, [.. won.Select(r => r.Report.RequestId)], cancellationToken);
            recovered += won.Length;
            lost += results.Length - won.Length;
            if (overdue.Count < MaxPerRead)
            {
                break;
            }
        }

        return new ReconcileRound(deleted, recovered, lost, republished);
    }

    private async Task<(RouterReport Report, UsageEvent Event, bool Inserted)> RecoverAsync(RouterReport report, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var usageEvent = report.ToRecordUsage().ToUsageEvent(now, UsageSources.Router);
        var inserted = await writer.InsertAsync(usageEvent, cancellationToken);
        if (inserted)
        {
            metrics.Stored(usageEvent.FinishedAt, now);
        }

        return (report, usageEvent, inserted);
    }

    private async Task<int> RepublishOrphansAsync(MeteringDbContext db, UsageQueries queries, CancellationToken cancellationToken)
    {
        var orphans = await RouterReportTable.RecoveredAsync(db, MaxPerRead, cancellationToken);
        if (orphans.Count == 0)
        {
            return 0;
        }

        var before = time.GetUtcNow() - RepublishAfter;
        var done = new List<Guid>();
        foreach (var report in orphans)
        {
            if (await queries.FindByRequestIdAsync(report.RequestId, cancellationToken) is { } stored && stored.RecordedAt < before)
            {
                var metered = stored.ToUsageMetered();
                await Publisher().Publish(metered, context => context.MessageId = metered.UsageEventId, cancellationToken);
                MeteringLog.RecoveredRepublished(logger, stored.RequestId, stored.EventId);
                done.Add(report.RequestId);
            }
        }

        await RouterReportTable.DeleteAsync(db, done, cancellationToken);
        return done.Count;
    }

    // Resolved when needed: the bus is built after this service.
    private IPublishEndpoint Publisher() => services.GetRequiredService<IBus>();
}
