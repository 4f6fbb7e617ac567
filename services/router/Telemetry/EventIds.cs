namespace AiMesh.Router.Telemetry;

/// <summary>
/// Every log event id of the router in one place (the router owns 3000–3099), so an id means one thing
/// across releases and dashboards can filter on it.
/// </summary>
internal static class EventIds
{
    public const int RouteStarted = 3000;
    public const int RouteSucceeded = 3001;
    public const int RouteFailed = 3002;
    public const int ModelNotFound = 3003;
    public const int RequestRejected = 3004;
    public const int UpstreamUnreachable = 3005;
    public const int UpstreamReadFailed = 3006;
    public const int CallAbandoned = 3007;
    public const int ModelsListed = 3008;
    public const int RouteCancelled = 3009;

    // Pricing (Pricing/): a model without a price, once per deployment and model.
    public const int ModelUnpriced = 3010;

    // Shadow traffic (Shadowing/ShadowTraffic.cs): 3011–3019.
    public const int ShadowAnswered = 3011;
    public const int ShadowFailed = 3012;
    public const int ShadowSkipped = 3013;
    public const int ShadowCancelled = 3014;
    public const int ShadowFaulted = 3015;

    // Stored provider credentials (Secrets/): 3040–3049. Names, versions and key ids only.
    public const int CredentialsLoaded = 3040;
    public const int CredentialUpdated = 3041;
    public const int CredentialRemoved = 3042;
    public const int CredentialUnreadable = 3043;
    public const int CredentialsReloadFailed = 3044;
    public const int CredentialsUnavailable = 3045;
    public const int CredentialMissing = 3046;

    // Fallbacks (Routing/FallbackChain.cs): 3050–3059 (3047–3049 are theirs too, kept free).
    public const int FallbackTaken = 3050;
    public const int FallbackStopped = 3051;
    public const int FallbackDepthReached = 3052;
    public const int FallbackSkipped = 3053;

    // The stream channel to the ingress: 3060–3069.
    public const int StreamChannelRefused = 3060;
    public const int StreamChannelIncomplete = 3061;

    // Conditional routing (Routing/ConditionalRouting.cs, RouteRules.cs, TrafficSplits.cs) and data residency: 3062–3069.
    public const int RouteRuleMatched = 3062;
    public const int RouteSplit = 3063;
    public const int SplitOutsideRegions = 3064;
    public const int RegionNotAllowed = 3065;

    // Deployment limits (Deployments/DeploymentLimiter.cs): 3070–3079.
    public const int DeploymentLimitStoreDown = 3070;
    public const int DeploymentLimitSettleFailed = 3071;

    // Retries (Resilience/, Routing/CallAttempts.cs): 3080.
    public const int Retrying = 3080;

    // Waiting for capacity (Admission/, Routing/CallAttempts.cs): 3081–3089.
    public const int AdmissionWaiting = 3081;
    public const int AdmissionAdmitted = 3082;
    public const int AdmissionTimedOut = 3083;
    public const int AdmissionFull = 3084;
    public const int AdmissionAbandoned = 3085;

    // Circuit breakers (Deployments/CircuitBreakers.cs): 3090–3099.
    public const int CircuitOpened = 3090;
    public const int CircuitClosed = 3091;

    // Health shared among the router replicas (Health/): 3092–3099.
    public const int CircuitOpenedByPeer = 3092;
    public const int HealthReportFailed = 3093;
    public const int DeploymentHealthListed = 3094;

    // A route the broker delivered again after its replica died: answered without a call.
    public const int RouteRedelivered = 3095;

    // Active health checks (Health/ActiveHealthChecks.cs).
    public const int HealthChecked = 3096;

    // OAuth token exchanges of the adapters (Vertex AI, Azure OpenAI with Entra ID): 3030–3039. Vertex's before
    // the exchange was shared, so the ids kept their numbers.
    public const int TokenExchangeFailed = 3030;
    public const int TokenExchangeError = 3031;
    public const int TokenObtained = 3032;
}
