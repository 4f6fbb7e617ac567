using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Resilience;
using AiMesh.Router.Secrets;
using AiMesh.Router.Telemetry;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Routing;

/// <summary>What every request's <see cref="CallAttempts"/> shares: the router's services, resolved once per request.</summary>
internal sealed record CallAttemptServices(
    ProviderCredentialStore Credentials,
    DeploymentLimiter Limiter,
    DeploymentStats Stats,
    CircuitBreakers Breakers,
    ProviderAdapters Adapters,
    ProviderTransport Transport,
    RouterMetrics Metrics,
    RetryBudget Budget,
    RetryOptions Settings,
    TimeProvider Time,
    ILogger Logger,
    Admission.AdmissionGate Admission);
