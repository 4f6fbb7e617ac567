using System.Text.RegularExpressions;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Errors;

/// <summary>
/// The one table from "how a call failed" to the OpenAI error the client sees (yarp's
/// <c>HandleRequestFailureAsync</c> in spirit): provider failure 502, timeout 504, the provider's own 4xx and
/// 5xx and 429 kept. Provider text passes only redacted; for credential failures it never passes at all.
/// </summary>
internal static partial class FailureMapper
{
    public static CompletionFailed ToCompletionFailed(RouteCompletion request, Deployment deployment, CallOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(outcome);
        var failure = outcome.Failure ?? throw new ArgumentException("The call did not fail.", nameof(outcome));
        var description = Describe(failure, deployment, request.Stream);
        return new CompletionFailed(
            request.RequestId,
            description.Status,
            description.Type,
            description.Code,
            description.Message,
            description.Param,
            description.RetryAfterSeconds,
            outcome.ChunkCount,
            description.Outcome,
            deployment.Name,
            deployment.Provider,
            outcome.Attempts,
            outcome.Usage);
    }

    /// <summary>A failure decided before any provider was chosen or called.</summary>
    public static CompletionFailed Rejected(RouteCompletion request, FailureDescription description, Deployment? deployment = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(description);
        return new CompletionFailed(
            request.RequestId, description.Status, description.Type, description.Code, description.Message, description.Param,
            description.RetryAfterSeconds, 0, description.Outcome, deployment?.Name, deployment?.Provider, 0, null);
    }

    /// <summary>A call cancelled because this replica is stopping, not because its client left.</summary>
    public static CompletionFailed Stopping(CompletionFailed cancelled)
    {
        ArgumentNullException.ThrowIfNull(cancelled);
        return cancelled with
        {
            Status = 503,
            Type = ErrorTypes.Api,
            Code = ErrorCodes.RouterStopping,
            Message = "The gateway stopped while the answer was in progress; the request can be retried.",
            Outcome = CompletionOutcomes.Error,
        };
    }

    /// <summary>
    /// The broker handed this route over again: the replica that had it died (its connection dropped) before answering.
    /// That replica may have called the provider, which may bill the call, and a streamed answer may have reached the
    /// client, so calling again is not provably safe: answered as a failure the client may retry, nothing sent.
    /// </summary>
    public static FailureDescription Interrupted() => new(
        503, ErrorTypes.Api, ErrorCodes.RouteInterrupted,
        "The gateway replica serving this request stopped before it ended. The request was not sent again, since the provider may already have received it; it can be retried.",
        CompletionOutcomes.Error, null, 1);

    public static FailureDescription ModelNotFound(string model, string api) => new(
        404, ErrorTypes.InvalidRequest, ErrorCodes.ModelNotFound,
        $"The model '{Shorten(model)}' does not exist or does not serve {Shorten(api)}.", CompletionOutcomes.Error, "model");

    /// <summary>
    /// Data residency: the model has deployments, but none in the regions the caller's key (and team) may use. 403, as
    /// OpenAI answers a request from a region it does not serve; retrying cannot help, so no Retry-After.
    /// </summary>
    public static FailureDescription RegionNotAllowed(string model) => new(
        403, ErrorTypes.InvalidRequest, ErrorCodes.RegionNotAllowed,
        $"The model '{Shorten(model)}' has no deployment in the regions your key may use; nothing was sent to a provider.", CompletionOutcomes.Error, "model");

    /// <summary>The deployment's stored credential is not held here (not yet loaded, deleted, or sealed under a key this router lacks).</summary>
    public static FailureDescription CredentialUnavailable(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return new(503, ErrorTypes.Api, ErrorCodes.ProviderCredentialUnavailable,
            $"The credentials of deployment '{Shorten(deployment.Name)}' are not available to the gateway yet; nothing was sent to the provider.", CompletionOutcomes.Error,
            RetryAfterSeconds: 5);
    }

    public static FailureDescription Describe(ProviderFailure failure, Deployment deployment, bool stream)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(deployment);
        var name = deployment.Name;
        if (failure.Kind is FailureKind.UpstreamStatus or FailureKind.StreamError && DescribeKind(failure, deployment) is { } recognized)
        {
            return recognized;
        }

        return failure.Kind switch
        {
            FailureKind.UpstreamStatus => DescribeStatus(failure, deployment),
            FailureKind.Redirect => Error(502, ErrorCodes.UpstreamRedirect,
                $"The provider of deployment '{name}' answered with a redirect ({failure.UpstreamStatus}); the router does not follow redirects."),
            FailureKind.Unreachable => Error(502, ErrorCodes.UpstreamUnreachable, $"The provider of deployment '{name}' could not be reached."),
            FailureKind.FirstByteTimeout => Error(504, ErrorCodes.UpstreamTimeout, $"The provider of deployment '{name}' did not start answering in time."),
            FailureKind.IdleTimeout when stream => Error(504, ErrorCodes.UpstreamStreamStalled,
                $"The provider of deployment '{name}' stopped sending the answer.", CompletionOutcomes.Truncated),
            FailureKind.IdleTimeout => Error(504, ErrorCodes.UpstreamTimeout, $"The provider of deployment '{name}' did not finish sending the answer in time."),
            FailureKind.Truncated when stream => Error(502, ErrorCodes.UpstreamStreamTruncated,
                $"The provider of deployment '{name}' ended the stream before the answer was complete.", CompletionOutcomes.Truncated),
            FailureKind.Truncated => Error(502, ErrorCodes.UpstreamResponseTruncated, $"The provider of deployment '{name}' ended the answer before it was complete."),
            FailureKind.StreamError => Error(502, ErrorCodes.UpstreamStreamError,
                ProviderText(failure, deployment) ?? $"The provider of deployment '{name}' reported an error during the stream."),
            FailureKind.InvalidResponse => Error(502, ErrorCodes.UpstreamInvalidResponse, $"The provider of deployment '{name}' sent an answer the router could not read."),
            FailureKind.Cancelled => Error(499, ErrorCodes.ClientCancelled, "The request was cancelled before the answer was complete.", CompletionOutcomes.Cancelled),
            FailureKind.TotalTimeout => Error(504, ErrorCodes.UpstreamTimeout,
                $"The provider of deployment '{name}' did not complete the answer within the router's time limit.", CompletionOutcomes.TimedOut),
            FailureKind.UnsupportedParameter => new FailureDescription(400, ErrorTypes.InvalidRequest, ErrorCodes.UnsupportedParameter,
                $"The model '{Shorten(deployment.Model)}' does not support the parameter '{Shorten(failure.Error?.Param ?? "")}'.",
                CompletionOutcomes.Error, SafeToken(failure.Error?.Param)),
            FailureKind.RelayBroken => Error(502, ErrorCodes.StreamRelayBroken,
                "The gateway lost the stream between its router and its ingress; the answer is incomplete.", CompletionOutcomes.Truncated),
            FailureKind.DeadlineExceeded => Error(504, ErrorCodes.DeadlineExceeded, "The request's deadline passed before the answer was complete.", CompletionOutcomes.TimedOut),
            _ => throw new ArgumentOutOfRangeException(nameof(failure), failure.Kind, "Unknown failure kind."),
        };
    }

    /// <summary>Errors the adapter recognized: the same client-facing error whichever provider said it.</summary>
    private static FailureDescription? DescribeKind(ProviderFailure failure, Deployment deployment)
    {
        var name = deployment.Name;
        var truncatedOutcome = failure.Kind == FailureKind.StreamError ? CompletionOutcomes.Truncated : CompletionOutcomes.Error;
        return failure.Error?.Kind switch
        {
            UpstreamErrorKind.AuthenticationFailed => Error(502, ErrorCodes.UpstreamAuthFailed, $"The provider rejected the credentials of deployment '{name}'."),
            UpstreamErrorKind.RateLimited => new FailureDescription(429, ErrorTypes.RateLimit, ErrorCodes.RateLimitExceeded,
                ProviderText(failure, deployment) ?? $"The provider of deployment '{name}' is limiting requests; retry later.", truncatedOutcome,
                RetryAfterSeconds: RetryLater(failure)),
            UpstreamErrorKind.Overloaded => new FailureDescription(503, ErrorTypes.Api, ErrorCodes.UpstreamOverloaded,
                $"The provider of deployment '{name}' is overloaded; retry later.", truncatedOutcome, RetryAfterSeconds: RetryLater(failure)),
            UpstreamErrorKind.ContextLengthExceeded => new FailureDescription(400, ErrorTypes.InvalidRequest, ErrorCodes.ContextLengthExceeded,
                ProviderText(failure, deployment) ?? "The messages and the requested output do not fit the model's context length.", CompletionOutcomes.Error, "messages"),
            UpstreamErrorKind.ContentFiltered => new FailureDescription(400, ErrorTypes.InvalidRequest, ErrorCodes.ContentFilter,
                $"The provider of deployment '{name}' blocked the request or its answer under its content policy.", truncatedOutcome),
            UpstreamErrorKind.InvalidRequest when failure.UpstreamStatus is >= 400 and < 500 and not (401 or 403 or 429) => new FailureDescription(
                failure.UpstreamStatus.Value, ErrorTypes.InvalidRequest, SafeToken(failure.Error.Code) ?? DefaultCode(failure.UpstreamStatus.Value),
                ProviderText(failure, deployment) ?? $"The provider of deployment '{name}' refused the request ({failure.UpstreamStatus}).",
                CompletionOutcomes.Error, SafeToken(failure.Error.Param)),
            _ => null,
        };
    }

    private static FailureDescription DescribeStatus(ProviderFailure failure, Deployment deployment)
    {
        var status = failure.UpstreamStatus ?? 502;
        var name = deployment.Name;
        var text = ProviderText(failure, deployment);
        return status switch
        {
            // Whatever the provider said about our credentials is between it and the operator.
            401 or 403 => Error(502, ErrorCodes.UpstreamAuthFailed, $"The provider rejected the credentials of deployment '{name}'."),
            429 => new FailureDescription(429, ErrorTypes.RateLimit, ErrorCodes.RateLimitExceeded,
                text ?? $"The provider of deployment '{name}' is limiting requests; retry later.", CompletionOutcomes.Error,
                RetryAfterSeconds: RetryLater(failure)),
            400 or 404 or 409 or 413 or 422 => new FailureDescription(status, ErrorTypes.InvalidRequest,
                SafeToken(failure.Error?.Code) ?? DefaultCode(status),
                text ?? $"The provider of deployment '{name}' refused the request ({status}).", CompletionOutcomes.Error,
                SafeToken(failure.Error?.Param)),
            >= 500 and <= 599 => new FailureDescription(status, ErrorTypes.Api, ErrorCodes.UpstreamError,
                text ?? $"The provider of deployment '{name}' failed ({status}).", CompletionOutcomes.Error,
                RetryAfterSeconds: failure.RetryAfterSeconds),
            _ => Error(502, ErrorCodes.UpstreamError, $"The provider of deployment '{name}' answered with an unexpected status ({status})."),
        };
    }

    /// <summary>
    /// A rate limit or an overload always says when to come back: the provider's own delay, or one second when it
    /// named none (Bedrock never does). A client told nothing tends to retry at once, and only be refused again.
    /// </summary>
    private static int RetryLater(ProviderFailure failure) => failure.RetryAfterSeconds ?? 1;

    private static FailureDescription Error(int status, string code, string message, string outcome = CompletionOutcomes.Error) =>
        new(status, ErrorTypes.Api, code, message, outcome);

    private static string? ProviderText(ProviderFailure failure, Deployment deployment) =>
        string.IsNullOrWhiteSpace(failure.Error?.Message) ? null : SecretRedactor.Redact(failure.Error.Message, deployment.ApiKey?.Reveal());

    private static string DefaultCode(int status) => status switch
    {
        404 => "not_found",
        409 => "conflict",
        413 => "request_too_large",
        422 => "unprocessable_entity",
        _ => "invalid_request",
    };

    /// <summary>Codes and params are machine tokens; anything else a provider puts there is not passed on.</summary>
    private static string? SafeToken(string? value) => value is not null && Token().IsMatch(value) ? value : null;

    private static string Shorten(string value) => value.Length <= 128 ? value : string.Concat(value.AsSpan(0, 128), "…");

    [GeneratedRegex(@"^[A-Za-z0-9_.\-\[\]]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Token();
}
