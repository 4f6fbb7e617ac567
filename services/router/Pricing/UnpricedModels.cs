using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AiMesh.Router.Deployments;
using AiMesh.Router.Telemetry;

namespace AiMesh.Router.Pricing;

/// <summary>
/// Counts every request of a deployment whose model has no price (<c>aimesh.router.cost.unpriced</c>, by deployment:
/// a label bounded by configuration) and logs it once per deployment and model, not per request: at a thousand
/// requests a second a line each would bury the logs and say nothing new.
/// </summary>
internal sealed class UnpricedModels
{
    /// <summary>The router's meter (shared by name with the router's other instruments).</summary>
    public const string MeterName = "AiMesh.Router";

    private readonly ConcurrentDictionary<(string Deployment, string Model), bool> logged = new();
    private readonly Counter<long> counter;
    private readonly ILogger<UnpricedModels> logger;

    public UnpricedModels(IMeterFactory meters, ILogger<UnpricedModels> logger)
    {
        ArgumentNullException.ThrowIfNull(meters);
        this.logger = logger;
        counter = meters.Create(MeterName).CreateCounter<long>(
            "aimesh.router.cost.unpriced", "{request}", "Requests metered without a cost because their deployment's model has no price.");
    }

    public void Report(Deployment deployment)
    {
        counter.Add(1, new KeyValuePair<string, object?>("deployment", deployment.Name));
        if (logged.TryAdd((deployment.Name, deployment.UpstreamModel), true))
        {
            logger.ModelUnpriced(deployment.Name, deployment.Provider, deployment.UpstreamModel);
        }
    }
}
