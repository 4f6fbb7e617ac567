using AiMesh.Contracts.Routing;
using AiMesh.Router.Errors;
using AiMesh.Router.Providers;
using AiMesh.Router.Tests.Support;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Tests.Errors;

public sealed class FailureMapperTests
{
    public static TheoryData<string, int?, bool, int, string, string, string> Table => new()
    {
        // failure kind, upstream status, streamed → status, type, code, outcome
        { "UpstreamStatus", 400, false, 400, "invalid_request_error", "invalid_request", "error" },
        { "UpstreamStatus", 404, false, 404, "invalid_request_error", "not_found", "error" },
        { "UpstreamStatus", 409, false, 409, "invalid_request_error", "conflict", "error" },
        { "UpstreamStatus", 413, false, 413, "invalid_request_error", "request_too_large", "error" },
        { "UpstreamStatus", 422, false, 422, "invalid_request_error", "unprocessable_entity", "error" },
        { "UpstreamStatus", 429, true, 429, "rate_limit_error", "rate_limit_exceeded", "error" },
        { "UpstreamStatus", 500, false, 500, "api_error", "upstream_error", "error" },
        { "UpstreamStatus", 503, true, 503, "api_error", "upstream_error", "error" },
        { "UpstreamStatus", 401, false, 502, "api_error", "upstream_auth_failed", "error" },
        { "UpstreamStatus", 403, true, 502, "api_error", "upstream_auth_failed", "error" },
        { "UpstreamStatus", 402, false, 502, "api_error", "upstream_error", "error" },
        { "UpstreamStatus", 405, false, 502, "api_error", "upstream_error", "error" },
        { "Redirect", 307, false, 502, "api_error", "upstream_redirect", "error" },
        { "Unreachable", null, true, 502, "api_error", "upstream_unreachable", "error" },
        { "FirstByteTimeout", null, true, 504, "api_error", "upstream_timeout", "error" },
        { "IdleTimeout", null, true, 504, "api_error", "upstream_stream_stalled", "truncated" },
        { "IdleTimeout", null, false, 504, "api_error", "upstream_timeout", "error" },
        { "Truncated", null, true, 502, "api_error", "upstream_stream_truncated", "truncated" },
        { "Truncated", null, false, 502, "api_error", "upstream_response_truncated", "error" },
        { "StreamError", null, true, 502, "api_error", "upstream_stream_error", "error" },
        { "InvalidResponse", null, false, 502, "api_error", "upstream_invalid_response", "error" },
        { "Cancelled", null, true, 499, "api_error", "client_cancelled", "client_cancelled" },
        { "TotalTimeout", null, true, 504, "api_error", "upstream_timeout", "timed_out" },
        { "DeadlineExceeded", null, false, 504, "api_error", "deadline_exceeded", "timed_out" },
        { "UnsupportedParameter", null, false, 400, "invalid_request_error", "unsupported_parameter", "error" },
    };

    public static TheoryData<string, string, int, int, string, string, string> Kinds => new()
    {
        // adapter's kind, failure kind, upstream status → status, type, code, outcome
        { "RateLimited", "UpstreamStatus", 400, 429, "rate_limit_error", "rate_limit_exceeded", "error" },
        { "RateLimited", "StreamError", 200, 429, "rate_limit_error", "rate_limit_exceeded", "truncated" },
        { "Overloaded", "UpstreamStatus", 529, 503, "api_error", "upstream_overloaded", "error" },
        { "Overloaded", "StreamError", 200, 503, "api_error", "upstream_overloaded", "truncated" },
        { "ContextLengthExceeded", "UpstreamStatus", 400, 400, "invalid_request_error", "context_length_exceeded", "error" },
        { "ContentFiltered", "UpstreamStatus", 400, 400, "invalid_request_error", "content_filter", "error" },
        { "ContentFiltered", "StreamError", 200, 400, "invalid_request_error", "content_filter", "truncated" },
        { "AuthenticationFailed", "UpstreamStatus", 400, 502, "api_error", "upstream_auth_failed", "error" },
        { "InvalidRequest", "UpstreamStatus", 422, 422, "invalid_request_error", "bad_field", "error" },
        // A kind that contradicts the status class falls back to the status table.
        { "InvalidRequest", "UpstreamStatus", 500, 500, "api_error", "upstream_error", "error" },
        { "Unknown", "UpstreamStatus", 503, 503, "api_error", "upstream_error", "error" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Maps_an_error_the_adapter_recognized_the_same_for_every_provider(string errorKind, string kind, int upstream, int status, string type, string code, string outcome)
    {
        var error = new UpstreamError("said by the provider", "bad_field", "temperature", Enum.Parse<UpstreamErrorKind>(errorKind));
        var description = FailureMapper.Describe(new ProviderFailure(Enum.Parse<FailureKind>(kind), upstream, error, 9), TestDeployments.Create(), stream: true);
        Assert.Equal((status, type, code, outcome), (description.Status, description.Type, description.Code, description.Outcome));
    }

    [Fact]
    public void Names_the_unsupported_parameter()
    {
        var failure = new ProviderFailure(FailureKind.UnsupportedParameter, Error: new UpstreamError(null, null, "logprobs"));
        var description = FailureMapper.Describe(failure, TestDeployments.Create(), false);
        Assert.Equal("logprobs", description.Param);
        Assert.Contains("'logprobs'", description.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_overloaded_provider_keeps_its_retry_after_and_hides_its_text()
    {
        var error = new UpstreamError("Overloaded (request id req_123)", "overloaded_error", null, UpstreamErrorKind.Overloaded);
        var description = FailureMapper.Describe(new ProviderFailure(FailureKind.UpstreamStatus, 529, error, 4), TestDeployments.Create(), false);
        Assert.Equal((503, 4), (description.Status, description.RetryAfterSeconds));
        Assert.DoesNotContain("req_123", description.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Maps_every_failure_to_one_openai_error(string kind, int? upstream, bool stream, int status, string type, string code, string outcome)
    {
        var description = FailureMapper.Describe(new ProviderFailure(Enum.Parse<FailureKind>(kind), upstream), TestDeployments.Create(), stream);
        Assert.Equal((status, type, code, outcome), (description.Status, description.Type, description.Code, description.Outcome));
        Assert.False(string.IsNullOrWhiteSpace(description.Message));
    }

    [Fact]
    public void Keeps_the_retry_after_of_a_rate_limit()
    {
        var description = FailureMapper.Describe(new ProviderFailure(FailureKind.UpstreamStatus, 429, UpstreamError.None, 17), TestDeployments.Create(), false);
        Assert.Equal(17, description.RetryAfterSeconds);
    }

    [Theory]
    [InlineData("UpstreamStatus", 429, "Unknown")]
    [InlineData("UpstreamStatus", 400, "RateLimited")]
    [InlineData("StreamError", null, "RateLimited")]
    [InlineData("UpstreamStatus", 529, "Overloaded")]
    public void A_rate_limit_or_overload_without_a_provider_delay_still_says_when_to_retry(string kind, int? status, string errorKind)
    {
        var failure = new ProviderFailure(Enum.Parse<FailureKind>(kind), status, new UpstreamError(null, null, null, Enum.Parse<UpstreamErrorKind>(errorKind)));
        Assert.Equal(1, FailureMapper.Describe(failure, TestDeployments.Create(), stream: true).RetryAfterSeconds);
    }

    [Fact]
    public void Never_passes_on_what_the_provider_said_about_credentials()
    {
        var error = new UpstreamError("Incorrect API key provided: sk-abc***xyz. Your organization org-123 ...", "invalid_api_key", null);
        var description = FailureMapper.Describe(new ProviderFailure(FailureKind.UpstreamStatus, 401, error), TestDeployments.Create(), false);
        Assert.DoesNotContain("Incorrect", description.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("org-123", description.Message, StringComparison.Ordinal);
        Assert.Contains("mock-gpt", description.Message, StringComparison.Ordinal);
        Assert.Equal("upstream_auth_failed", description.Code);
    }

    [Fact]
    public void Passes_a_client_error_message_redacted_with_its_code_and_param()
    {
        var error = new UpstreamError($"temperature is invalid (key {TestDeployments.Key})", "invalid_value", "temperature");
        var description = FailureMapper.Describe(new ProviderFailure(FailureKind.UpstreamStatus, 400, error), TestDeployments.Create(), false);
        Assert.StartsWith("temperature is invalid", description.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestDeployments.Key, description.Message, StringComparison.Ordinal);
        Assert.Equal(("invalid_value", "temperature"), (description.Code, description.Param));
    }

    [Fact]
    public void Drops_a_code_or_param_that_is_not_a_plain_token()
    {
        var error = new UpstreamError("bad", "<script>alert(1)</script>", "a param with spaces");
        var description = FailureMapper.Describe(new ProviderFailure(FailureKind.UpstreamStatus, 422, error), TestDeployments.Create(), false);
        Assert.Equal("unprocessable_entity", description.Code);
        Assert.Null(description.Param);
    }

    [Fact]
    public void Builds_the_failed_message_with_what_the_call_delivered()
    {
        var request = new RouteCompletion(Guid.NewGuid(), "chat.completions", "gpt-4o-mini", "{}", true, new Uri("queue:x"), DateTimeOffset.UtcNow, "p");
        var outcome = new CallOutcome { Failure = new ProviderFailure(FailureKind.Truncated), ChunkCount = 4, Usage = new TokenUsage(3, 2), Attempts = 1 };
        var failed = FailureMapper.ToCompletionFailed(request, TestDeployments.Create(), outcome);
        Assert.Equal(
            (request.RequestId, 502, "upstream_stream_truncated", "truncated", 4, "mock-gpt", "openai", 1, new TokenUsage(3, 2)),
            (failed.RequestId, failed.Status, failed.Code, failed.Outcome, failed.ChunkCount, failed.Deployment, failed.Provider, failed.Attempts, failed.Usage));
    }

    [Fact]
    public void Unknown_model_is_a_404_model_not_found()
    {
        var description = FailureMapper.ModelNotFound("gpt-unknown", "chat.completions");
        Assert.Equal((404, "invalid_request_error", "model_not_found", "model"), (description.Status, description.Type, description.Code, description.Param));
    }

    [Fact]
    public void A_call_cancelled_by_a_stopping_replica_is_the_gateway_failing_not_the_client()
    {
        var cancelled = new CompletionFailed(Guid.NewGuid(), 499, "api_error", "client_cancelled", "m", null, null, 2, "client_cancelled", "mock-gpt", "openai", 1, new TokenUsage(1, 2));
        var stopping = FailureMapper.Stopping(cancelled);
        Assert.Equal((503, "router_stopping", "error", 2, new TokenUsage(1, 2)), (stopping.Status, stopping.Code, stopping.Outcome, stopping.ChunkCount, stopping.Usage));
    }
}
