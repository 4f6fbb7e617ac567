using System.Diagnostics;
using System.Diagnostics.Metrics;
using AiMesh.Hosting.Metrics;

namespace AiMesh.Ingress;

/// <summary>
/// The ingress's meter: every request the HTTP surfaces served, by surface (<c>api</c>), public model, outcome and
/// status class; its latency and, for streams, its time to first token; tokens in and out by model. Labels stay
/// low-cardinality (docs/architecture.md, "Telemetry and logs"): the model is a catalog name or <c>other</c>
/// (<see cref="ModelLabels"/>), never what a client typed; no key ids, request ids, addresses or error texts.
/// </summary>
internal sealed class IngressMetrics
{
    public const string MeterName = "AiMesh.Ingress";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _firstToken;
    private readonly Counter<long> _tokens;

    public IngressMetrics(IMeterFactory meters, ModelLabels models)
    {
        Models = models;
        var meter = meters.Create(MeterName);
        var advice = new InstrumentAdvice<double> { HistogramBucketBoundaries = MeshMeters.LatencyBuckets };
        _requests = meter.CreateCounter<long>("aimesh.ingress.requests", "{request}", "Requests the ingress answered, by surface, model, outcome and status class");
        _duration = meter.CreateHistogram("aimesh.ingress.request.duration", "s", "Time from a request's arrival to the end of its answer", advice: advice);
        _firstToken = meter.CreateHistogram("aimesh.ingress.time_to_first_token", "s", "Time from a streamed request's arrival to its first chunk written to the client", advice: advice);
        _tokens = meter.CreateCounter<long>("aimesh.ingress.tokens", "{token}", "Tokens the providers reported, by model and type (input, output)");
    }

    public ModelLabels Models { get; }

    public void RequestEnded(RequestMeasure measure)
    {
        var tags = new TagList
        {
            { "api", measure.Api },
            { "model", measure.ModelLabel },
            { "outcome", measure.Outcome },
            { "status_class", StatusClass(measure.Status) },
        };
        _requests.Add(1, tags);
        _duration.Record(measure.Elapsed.TotalSeconds, tags);
    }

    public void FirstToken(RequestMeasure measure) =>
        _firstToken.Record(measure.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("api", measure.Api), new KeyValuePair<string, object?>("model", measure.ModelLabel));

    public void Tokens(RequestMeasure measure, long input, long output)
    {
        var model = new KeyValuePair<string, object?>("model", measure.ModelLabel);
        if (input > 0)
        {
            _tokens.Add(input, model, new KeyValuePair<string, object?>("type", "input"));
        }

        if (output > 0)
        {
            _tokens.Add(output, model, new KeyValuePair<string, object?>("type", "output"));
        }
    }

    private static string StatusClass(int status) => status switch
    {
        >= 100 and < 200 => "1xx",
        >= 200 and < 300 => "2xx",
        >= 300 and < 400 => "3xx",
        >= 400 and < 500 => "4xx",
        >= 500 and < 600 => "5xx",
        _ => "none",
    };
}
