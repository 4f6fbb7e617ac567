namespace AiMesh.Router.Providers;

/// <summary>
/// What a provider's error means, as its adapter recognized it from the provider's own codes. The mapper turns
/// a kind into the same client-facing error whatever the provider, so clients match on one set of codes.
/// </summary>
internal enum UpstreamErrorKind
{
    /// <summary>Not recognized: the HTTP status decides.</summary>
    Unknown,

    /// <summary>The provider limits this account's requests or tokens: 429 with Retry-After.</summary>
    RateLimited,

    /// <summary>The provider is overloaded or unavailable for now: 503, retryable.</summary>
    Overloaded,

    /// <summary>The prompt and the requested output do not fit the model's context: 400 <c>context_length_exceeded</c>.</summary>
    ContextLengthExceeded,

    /// <summary>The provider's safety system blocked the prompt or the answer: 400 <c>content_filter</c>.</summary>
    ContentFiltered,

    /// <summary>The provider refused the deployment's credentials: 502, a configuration error of the mesh.</summary>
    AuthenticationFailed,

    /// <summary>The provider refused the request as invalid: its status (4xx) and a normalized body.</summary>
    InvalidRequest,
}
