using System.Diagnostics;
using AiMesh.Router.Deployments;
using AiMesh.Router.Errors;
using AiMesh.Router.Providers;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Routing;

/// <summary>
/// One attempt of a call: the deployment tried, the call as sent and what came back; or, when no deployment could take
/// the call (capacity, credential), the reason (<see cref="Refusal"/>), nothing sent.
/// </summary>
internal sealed class AttemptResult
{
    public required Deployment Deployment { get; init; }

    public ProviderCall? Call { get; init; }

    public CallOutcome? Outcome { get; init; }

    public FailureDescription? Refusal { get; init; }

    /// <summary>The attempt's span, ended by whoever shapes the answer from it (or by the next attempt).</summary>
    public Activity? Activity { get; init; }

    public TimeSpan Elapsed { get; init; }
}
