using System.Diagnostics.Metrics;
using AiMesh.Hosting.Metrics;
using AiMesh.Router.Telemetry;

namespace AiMesh.Router.Admission;

/// <summary>
/// <c>aimesh.router.admission.*</c> on the router's meter: requests that waited for capacity and how each wait ended,
/// the time waited, those refused because the line was full, and the waiters at this moment. Labelled by model group (a
/// configured public model) and closed sets only.
/// </summary>
internal sealed class AdmissionMetrics
{
    private readonly Counter<long> waited;
    private readonly Counter<long> admitted;
    private readonly Counter<long> timedOut;
    private readonly Counter<long> abandoned;
    private readonly Counter<long> refused;
    private readonly Counter<long> rejected;
    private readonly Histogram<double> waitTime;

    public AdmissionMetrics(IMeterFactory meters, AdmissionQueues queues)
    {
        var meter = meters.Create(RouterMetrics.MeterName);
        waited = meter.CreateCounter<long>("aimesh.router.admission.waited", "{request}", "Requests that found every deployment of their model group at capacity and waited in line, by model group");
        admitted = meter.CreateCounter<long>("aimesh.router.admission.admitted", "{request}", "Waiting requests that got capacity and went on to their call, by model group");
        timedOut = meter.CreateCounter<long>("aimesh.router.admission.timed_out", "{request}", "Waiting requests answered 429 capacity_wait_timeout (MaxWait or their deadline), by model group");
        abandoned = meter.CreateCounter<long>("aimesh.router.admission.abandoned", "{request}", "Waiting requests whose client left (or whose replica stopped), by model group");
        refused = meter.CreateCounter<long>("aimesh.router.admission.refused", "{request}", "Waiting requests whose deployments refused them for another reason than capacity (circuit open, credential missing), by model group");
        rejected = meter.CreateCounter<long>("aimesh.router.admission.rejected", "{request}", "Requests answered 429 capacity_queue_full without waiting, by model group and the bound that was full (line, replica)");
        waitTime = meter.CreateHistogram("aimesh.router.admission.wait_time", "s", "Time requests waited for capacity, by model group and how the wait ended",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = MeshMeters.LatencyBuckets });
        meter.CreateObservableGauge("aimesh.router.admission.waiting", () => queues.Waiting, "{request}", "Requests waiting for capacity on this replica");
    }

    public void Waited(string model) => waited.Add(1, Model(model));

    public void Rejected(string model, string bound) => rejected.Add(1, Model(model), new KeyValuePair<string, object?>("bound", bound));

    /// <param name="outcome">One of <see cref="AdmissionOutcomes"/>.</param>
    public void Ended(string model, string outcome, TimeSpan waitedFor)
    {
        var counter = outcome switch
        {
            AdmissionOutcomes.Admitted => admitted,
            AdmissionOutcomes.TimedOut => timedOut,
            AdmissionOutcomes.Refused => refused,
            _ => abandoned,
        };
        counter.Add(1, Model(model));
        waitTime.Record(waitedFor.TotalSeconds, Model(model), new KeyValuePair<string, object?>("outcome", outcome));
    }

    private static KeyValuePair<string, object?> Model(string model) => new("model", model);
}
