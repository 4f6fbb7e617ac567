using System.Diagnostics.Metrics;
using AiMesh.Hosting.Metrics;

namespace AiMesh.Metering;

/// <summary>
/// Metering's meter: usage events stored and duplicates refused, rows per insert statement (the group commit), and the
/// usage-store lag. No labels: a usage event's facts are in its row, not in a metric.
/// <para>
/// The lag is a histogram of (row written − the request's end, <c>RecordUsage.FinishedAt</c>) per stored event: the
/// ingress's linger, the time on the bus (a backlog while the database was down shows as minutes), and the insert.
/// Chosen over a gauge of "now − the oldest unstored record's end" because metering cannot see records still waiting in
/// the broker's queue without consuming them; the histogram is measured where the row is written, adds up across
/// replicas, and its tail is the alert. The queue-depth gauge shows what is still waiting. Across hosts it includes
/// their clock difference (a negative difference counts as 0).
/// </para>
/// </summary>
internal sealed class MeteringMetrics
{
    public const string MeterName = "AiMesh.Metering";

    private readonly Counter<long> _stored;
    private readonly Counter<long> _duplicates;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _faulted;
    private readonly Counter<long> _reportsKept;
    private readonly Counter<long> _recovered;
    private readonly Counter<long> _late;
    private readonly Counter<long> _shadowKept;

    public MeteringMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _stored = meter.CreateCounter<long>("aimesh.metering.events.stored", "{event}", "Usage events written to the store");
        _duplicates = meter.CreateCounter<long>("aimesh.metering.events.duplicates", "{event}", "Usage records refused as already stored (redeliveries, replays)");
        _batchSize = meter.CreateHistogram("aimesh.metering.insert.batch_size", "{row}", "Usage rows per insert statement (group commit)",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        _lag = meter.CreateHistogram("aimesh.metering.store.lag", "s", "Time from a request's end to its usage event written",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = MeshMeters.LatencyBuckets });
        _faulted = meter.CreateCounter<long>("aimesh.metering.usage.faulted", "{record}", "Usage records whose message was moved to the error queue: the number to alert on");
        _reportsKept = meter.CreateCounter<long>("aimesh.metering.router_reports.kept", "{report}", "Router reports kept until their request's usage event exists");
        _recovered = meter.CreateCounter<long>("aimesh.metering.usage.recovered", "{event}", "Usage events written from a router's report because the ingress's record never came");
        _late = meter.CreateCounter<long>("aimesh.metering.usage.late", "{record}", "Ingress usage records that arrived after their event was written from the router's report (ignored)");
        _shadowKept = meter.CreateCounter<long>("aimesh.metering.shadow_results.kept", "{result}", "Shadow results kept for comparison (duplicates not counted)");
    }

    public void Stored(DateTimeOffset finishedAt, DateTimeOffset now)
    {
        _stored.Add(1);
        _lag.Record(Math.Max(0, (now - finishedAt).TotalSeconds));
    }

    public void Duplicate() => _duplicates.Add(1);

    public void Inserted(int rows) => _batchSize.Record(rows);

    public void Faulted(int records) => _faulted.Add(records);

    public void ReportsKept(int reports) => _reportsKept.Add(reports);

    public void Recovered() => _recovered.Add(1);

    public void Late() => _late.Add(1);

    public void ShadowResultsKept(int results) => _shadowKept.Add(results);
}
