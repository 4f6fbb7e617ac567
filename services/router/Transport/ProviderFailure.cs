using AiMesh.Router.Providers;

namespace AiMesh.Router.Transport;

/// <param name="UpstreamStatus">The provider's HTTP status, when it answered with one.</param>
/// <param name="Error">What the provider said, unredacted; only for <see cref="FailureKind.UpstreamStatus"/> and <see cref="FailureKind.StreamError"/>.</param>
internal sealed record ProviderFailure(FailureKind Kind, int? UpstreamStatus = null, UpstreamError? Error = null, int? RetryAfterSeconds = null);
