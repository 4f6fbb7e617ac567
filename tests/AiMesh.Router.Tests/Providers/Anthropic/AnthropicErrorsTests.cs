using System.Text;
using AiMesh.Router.Errors;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Anthropic;
using AiMesh.Router.Transport;
using static AiMesh.Router.Tests.Providers.Anthropic.AnthropicCalls;

namespace AiMesh.Router.Tests.Providers.Anthropic;

public sealed class AnthropicErrorsTests
{
    public static TheoryData<int, string, string, string, int, string> Table => new()
    {
        // Anthropic status, error type, message → kind, what the client gets (status, code)
        { 401, "authentication_error", "invalid x-api-key", nameof(UpstreamErrorKind.AuthenticationFailed), 502, "upstream_auth_failed" },
        { 403, "permission_error", "Your API key does not have permission", nameof(UpstreamErrorKind.AuthenticationFailed), 502, "upstream_auth_failed" },
        { 429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit", nameof(UpstreamErrorKind.RateLimited), 429, "rate_limit_exceeded" },
        { 529, "overloaded_error", "Overloaded", nameof(UpstreamErrorKind.Overloaded), 503, "upstream_overloaded" },
        { 400, "invalid_request_error", "prompt is too long: 208310 tokens > 200000 maximum", nameof(UpstreamErrorKind.ContextLengthExceeded), 400, "context_length_exceeded" },
        { 400, "invalid_request_error", "input length and `max_tokens` exceed context limit: 197626 + 8192 > 200000, decrease input length or `max_tokens` and try again", nameof(UpstreamErrorKind.ContextLengthExceeded), 400, "context_length_exceeded" },
        { 400, "invalid_request_error", "messages.1.content: Field required", nameof(UpstreamErrorKind.InvalidRequest), 400, "invalid_request" },
        { 404, "not_found_error", "model: claude-9", nameof(UpstreamErrorKind.InvalidRequest), 404, "not_found" },
        { 413, "request_too_large", "Request exceeds the maximum allowed number of bytes.", nameof(UpstreamErrorKind.InvalidRequest), 413, "request_too_large" },
        { 500, "api_error", "Internal server error", nameof(UpstreamErrorKind.Unknown), 500, "upstream_error" },
        { 402, "billing_error", "Your credit balance is too low", nameof(UpstreamErrorKind.Unknown), 502, "upstream_error" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Each_error_type_means_the_same_to_the_client_as_for_every_provider(int status, string type, string message, string kind, int clientStatus, string code)
    {
        var body = $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"{{{message.Replace("`", "\\u0060", StringComparison.Ordinal)}}}"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}""";

        var error = Adapter.ReadError(Encoding.UTF8.GetBytes(body));
        var described = FailureMapper.Describe(new ProviderFailure(FailureKind.UpstreamStatus, status, error, 7), Deployment(), stream: false);

        Assert.Equal(Enum.Parse<UpstreamErrorKind>(kind), error.Kind);
        Assert.Equal(message, error.Message);
        Assert.Equal((clientStatus, code), (described.Status, described.Code));
    }

    [Fact]
    public void Credential_failures_never_repeat_the_provider_text()
    {
        var error = Adapter.ReadError("""{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key sk-ant-leak"}}"""u8);

        var described = FailureMapper.Describe(new ProviderFailure(FailureKind.UpstreamStatus, 401, error), Deployment(), stream: false);

        Assert.DoesNotContain("sk-ant-leak", described.Message, StringComparison.Ordinal);
        Assert.Contains("claude", described.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_rate_limit_keeps_the_retry_after()
    {
        var error = Adapter.ReadError("""{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"""u8);

        var described = FailureMapper.Describe(new ProviderFailure(FailureKind.UpstreamStatus, 429, error, 12), Deployment(), stream: false);

        Assert.Equal((429, 12, "slow down"), (described.Status, described.RetryAfterSeconds, described.Message));
    }

    [Fact]
    public void The_key_is_redacted_from_a_message_that_echoes_it()
    {
        var error = Adapter.ReadError(Encoding.UTF8.GetBytes($$$"""{"type":"error","error":{"type":"invalid_request_error","message":"bad header {{{Key}}}"}}"""));

        var described = FailureMapper.Describe(new ProviderFailure(FailureKind.UpstreamStatus, 400, error), Deployment(), stream: false);

        Assert.DoesNotContain(Key, described.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html>529 Overloaded</html>", null)]
    [InlineData("", null)]
    [InlineData("""{"error":{"message":"from a gateway in front","code":"x"}}""", "from a gateway in front")]
    [InlineData("""{"type":"error","error":"plain"}""", "plain")]
    [InlineData("""{"type":"error","error":{"type":5,"message":"odd"}}""", "odd")]
    public void Bodies_in_other_shapes_read_without_a_kind(string body, string? message)
    {
        var error = Adapter.ReadError(Encoding.UTF8.GetBytes(body));

        Assert.Equal(UpstreamErrorKind.Unknown, error.Kind);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(413, "request_too_large")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(529, "overloaded_error")]
    public void Error_types_and_statuses_map_both_ways(int status, string type)
    {
        Assert.Equal(type, AnthropicErrors.TypeForStatus(status));
    }

    [Theory]
    [InlineData("stop", "end_turn")]
    [InlineData("length", "max_tokens")]
    [InlineData("tool_calls", "tool_use")]
    [InlineData("content_filter", "refusal")]
    public void Finish_reasons_map_back_to_stop_reasons(string finishReason, string stopReason)
    {
        Assert.Equal(stopReason, AnthropicStopReasons.FromFinishReason(finishReason));
        Assert.Equal(finishReason, AnthropicStopReasons.ToFinishReason(stopReason));
    }
}
