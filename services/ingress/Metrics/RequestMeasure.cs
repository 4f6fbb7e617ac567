using System.Diagnostics;
using AiMesh.Contracts.Routing;

namespace AiMesh.Ingress;

/// <summary>What one exchange learns about its request for <see cref="IngressMetrics"/> while it serves it.</summary>
internal sealed class RequestMeasure(string api, ModelLabels models)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private string? _requested;

    public string Api { get; } = api;

    /// <summary>Since the exchange began.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_started);

    /// <summary>The model label: set once the body was read, from the catalog; <c>other</c> until then or when unknown.</summary>
    public string ModelLabel { get; private set; } = ModelLabels.Other;

    /// <summary>The status the client was answered with; for a stream that ended in an error event, that error's status.</summary>
    public int Status { get; set; }

    public bool Cancelled { get; set; }

    public bool FirstTokenSeen { get; set; }

    public string Outcome => Cancelled
        ? CompletionOutcomes.Cancelled
        : Status switch
        {
            >= 200 and < 400 => CompletionOutcomes.Ok,
            504 => CompletionOutcomes.TimedOut,
            _ => CompletionOutcomes.Error,
        };

    /// <summary>The body named <paramref name="requested"/>.</summary>
    public void Asked(string requested)
    {
        _requested = requested;
        ModelLabel = models.Label(requested, deployment: null);
    }

    /// <summary>A router served the request on <paramref name="deployment"/>: the model asked for is in its catalog.</summary>
    public void Served(string deployment)
    {
        if (_requested is not null)
        {
            ModelLabel = models.Label(_requested, deployment);
        }
    }
}
