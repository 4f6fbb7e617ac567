using System.Diagnostics.Metrics;
using AiMesh.Router.Telemetry;

namespace AiMesh.Router.Shadowing;

/// <summary>
/// Instruments <c>aimesh.router.shadow.*</c> on the router's meter. Labels are configured public models (the group that
/// answered and its candidate), a closed set of skip reasons and HTTP statuses; never a request id or provider text.
/// </summary>
internal sealed class ShadowMetrics
{
    /// <summary>A sampled request found every shadow slot busy.</summary>
    public const string PoolFull = "pool_full";

    /// <summary>The replica was stopping.</summary>
    public const string Stopping = "stopping";

    /// <summary>Every candidate deployment refused the call (circuit open, capacity full, credential missing).</summary>
    public const string Refused = "refused";

    /// <summary>The candidate has no deployment for the request's API in its allowed regions.</summary>
    public const string NoDeployment = "no_deployment";

    /// <summary>Clients' requests wait for capacity on this replica (<see cref="Admission.AdmissionGate"/>): a shadow never takes it from them.</summary>
    public const string Waiters = "waiters";

    // Similarity is a share: tenths, so a dashboard reads its distribution directly.
    private static readonly double[] SimilarityBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1];

    private readonly Counter<long> _started;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _similarity;

    public ShadowMetrics(IMeterFactory meters, Func<int> running)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(RouterMetrics.MeterName);
        _started = meter.CreateCounter<long>("aimesh.router.shadow.started", "{call}", "Shadow calls made (counted as they end), by the group that answered and its candidate");
        _skipped = meter.CreateCounter<long>(
            "aimesh.router.shadow.skipped", "{request}", "Sampled requests not shadowed, by candidate and reason (pool_full, stopping, refused, no_deployment)");
        _failed = meter.CreateCounter<long>("aimesh.router.shadow.failed", "{call}", "Shadow calls that did not answer, by candidate and the status the gateway would have answered");
        _similarity = meter.CreateHistogram("aimesh.router.shadow.similarity", "1", "Lexical similarity of the primary's and the candidate's answers (0 to 1)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SimilarityBuckets });
        meter.CreateObservableGauge("aimesh.router.shadow.running", running, "{call}", "Shadow calls running on this replica");
    }

    public void Started(string model, string shadowModel) => _started.Add(1, Model(model), Candidate(shadowModel));

    public void Skipped(string shadowModel, string reason) => _skipped.Add(1, Candidate(shadowModel), new KeyValuePair<string, object?>("reason", reason));

    public void Failed(string shadowModel, int status) => _failed.Add(1, Candidate(shadowModel), new KeyValuePair<string, object?>("status", status));

    public void Compared(string model, string shadowModel, double similarity) => _similarity.Record(similarity, Model(model), Candidate(shadowModel));

    private static KeyValuePair<string, object?> Model(string model) => new("model", model);

    private static KeyValuePair<string, object?> Candidate(string model) => new("shadow_model", model);
}
