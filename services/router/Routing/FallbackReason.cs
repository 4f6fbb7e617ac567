namespace AiMesh.Router.Routing;

/// <summary>Why a model group's end sends the request on to a fallback group (<see cref="FallbackChain.ReasonOf"/>), by error class.</summary>
internal enum FallbackReason
{
    /// <summary>It answered, or failed in a way another model would not mend (a 4xx about the request, a cut answer, a client that left).</summary>
    None,

    /// <summary>Rate limited or unavailable: 408, 429, 5xx, no connection, no first byte, or every deployment refused the call.</summary>
    Unavailable,

    /// <summary>The prompt did not fit the model's context (<c>context_length_exceeded</c>).</summary>
    ContextLengthExceeded,

    /// <summary>The provider's safety system refused (<c>content_filter</c>).</summary>
    ContentFilter,
}
