namespace AiMesh.Router.Providers;

/// <summary>
/// The error a provider described, as read from its body. Untrusted: the message may echo a credential, so it
/// reaches a client only through <see cref="Errors.FailureMapper"/>, which redacts it. A class, not a record,
/// so that no generated <c>ToString</c> prints the raw text.
/// </summary>
/// <param name="kind">What the adapter recognized the error as; <see cref="UpstreamErrorKind.Unknown"/> lets the status decide.</param>
/// <param name="retryAfterSeconds">
/// A wait the body asked for (Google's <c>RetryInfo.retryDelay</c>), used when the answer has no Retry-After header.
/// </param>
internal sealed class UpstreamError(string? message, string? code, string? param, UpstreamErrorKind kind = UpstreamErrorKind.Unknown, int? retryAfterSeconds = null)
{
    public static readonly UpstreamError None = new(null, null, null);

    public string? Message { get; } = message;

    public string? Code { get; } = code;

    public string? Param { get; } = param;

    public UpstreamErrorKind Kind { get; } = kind;

    public int? RetryAfterSeconds { get; } = retryAfterSeconds;
}
