namespace AiMesh.Router.Errors;

/// <summary>The router's error <c>code</c> values: part of the public API, clients and dashboards match on them.</summary>
internal static class ErrorCodes
{
    public const string ModelNotFound = "model_not_found";
    public const string InvalidJson = "invalid_json";
    public const string StreamUnsupported = "stream_not_supported";
    public const string StreamAddressMissing = "stream_address_missing";
    public const string RateLimitExceeded = "rate_limit_exceeded";
    public const string UpstreamAuthFailed = "upstream_auth_failed";
    public const string UpstreamRedirect = "upstream_redirect";
    public const string UpstreamUnreachable = "upstream_unreachable";
    public const string UpstreamTimeout = "upstream_timeout";
    public const string UpstreamError = "upstream_error";
    public const string UpstreamInvalidResponse = "upstream_invalid_response";
    public const string UpstreamStreamTruncated = "upstream_stream_truncated";
    public const string UpstreamResponseTruncated = "upstream_response_truncated";
    public const string UpstreamStreamStalled = "upstream_stream_stalled";
    public const string UpstreamStreamError = "upstream_stream_error";
    public const string ClientCancelled = "client_cancelled";
    public const string DeadlineExceeded = "deadline_exceeded";
    public const string RouterStopping = "router_stopping";

    /// <summary>A route the broker handed over again after the replica serving it died: never called a second time.</summary>
    public const string RouteInterrupted = "route_interrupted";
    public const string UpstreamOverloaded = "upstream_overloaded";
    public const string ContextLengthExceeded = "context_length_exceeded";
    public const string ContentFilter = "content_filter";
    public const string UnsupportedParameter = "unsupported_parameter";
    public const string StreamRelayBroken = "stream_relay_broken";
    public const string ProviderCredentialUnavailable = "provider_credential_unavailable";
    public const string RegionNotAllowed = "region_not_allowed";

    /// <summary>Every deployment of the model was at capacity for as long as the request could wait (<c>Router:Admission</c>).</summary>
    public const string CapacityWaitTimeout = "capacity_wait_timeout";

    /// <summary>Every deployment of the model was at capacity and too many requests already waited for it.</summary>
    public const string CapacityQueueFull = "capacity_queue_full";
}
