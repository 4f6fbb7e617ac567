namespace AiMesh.Router.Transport;

/// <summary>Why a provider call did not produce a complete answer. <see cref="Errors.FailureMapper"/> turns each into an OpenAI error.</summary>
internal enum FailureKind
{
    /// <summary>The provider answered with an error status (4xx, 5xx).</summary>
    UpstreamStatus,

    /// <summary>The provider answered 3xx; redirects are never followed.</summary>
    Redirect,

    /// <summary>No connection: refused, DNS, TLS, or the connect timeout.</summary>
    Unreachable,

    /// <summary>No response headers (or, streamed, no first event) within the first-byte timeout.</summary>
    FirstByteTimeout,

    /// <summary>The answer had started but no bytes came for the idle timeout.</summary>
    IdleTimeout,

    /// <summary>The answer ended (EOF, reset) before the provider said it was complete.</summary>
    Truncated,

    /// <summary>The provider reported an error inside the stream.</summary>
    StreamError,

    /// <summary>The answer was not what the API promises (not JSON, too large, a JSON body for a stream).</summary>
    InvalidResponse,

    /// <summary>The client went away (<see cref="AiMesh.Contracts.Routing.CompletionAbandoned"/>) or the router is stopping.</summary>
    Cancelled,

    /// <summary>The router's own total timeout passed.</summary>
    TotalTimeout,

    /// <summary>The request's deadline passed (it is the tighter of the two limits).</summary>
    DeadlineExceeded,

    /// <summary>The request uses a field the provider cannot honour and the deployment rejects such requests; nothing was sent.</summary>
    UnsupportedParameter,

    /// <summary>The chunks could not reach the ingress (its stream channel broke); the provider call is stopped.</summary>
    RelayBroken,
}
