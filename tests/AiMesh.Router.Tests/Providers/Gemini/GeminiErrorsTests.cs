using System.Text;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Gemini;

namespace AiMesh.Router.Tests.Providers.Gemini;

public sealed class GeminiErrorsTests
{
    [Theory]
    [InlineData("""{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}""", "RateLimited", "resource_exhausted")]
    [InlineData("""{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}""", "Overloaded", "unavailable")]
    [InlineData("""{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}""", "AuthenticationFailed", "unauthenticated")]
    [InlineData("""{"error":{"code":403,"message":"Permission denied on resource project x.","status":"PERMISSION_DENIED"}}""", "AuthenticationFailed", "permission_denied")]
    [InlineData("""{"error":{"code":400,"message":"The input token count (1234567) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}""", "ContextLengthExceeded", "invalid_argument")]
    [InlineData("""{"error":{"code":400,"message":"Unable to submit request because the input token count is 1234567 but model only supports up to 1048576. Reduce the input token count and try again.","status":"INVALID_ARGUMENT"}}""", "ContextLengthExceeded", "invalid_argument")]
    [InlineData("""{"error":{"code":400,"message":"* GenerateContentRequest.contents: contents is not specified","status":"INVALID_ARGUMENT"}}""", "InvalidRequest", "invalid_argument")]
    [InlineData("""{"error":{"code":400,"message":"User location is not supported for the API use.","status":"FAILED_PRECONDITION"}}""", "InvalidRequest", "failed_precondition")]
    [InlineData("""{"error":{"code":404,"message":"models/nope is not found.","status":"NOT_FOUND"}}""", "InvalidRequest", "not_found")]
    [InlineData("""{"error":{"code":500,"message":"An internal error has occurred.","status":"INTERNAL"}}""", "Unknown", "internal")]
    [InlineData("""{"error":{"code":504,"message":"Deadline exceeded.","status":"DEADLINE_EXCEEDED"}}""", "Unknown", "deadline_exceeded")]
    [InlineData("""{"error":{"code":400,"message":"no status"}}""", "Unknown", "400")]
    [InlineData("""[{"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}]""", "Overloaded", "unavailable")]
    public void Recognizes_googles_canonical_statuses(string body, string kind, string code)
    {
        var error = GeminiErrors.Read(Encoding.UTF8.GetBytes(body));
        Assert.Equal(Enum.Parse<UpstreamErrorKind>(kind), error.Kind);
        Assert.Equal(code, error.Code);
        Assert.NotNull(error.Message);
        Assert.Null(error.Param);
    }

    [Fact]
    public void An_invalid_api_key_is_a_credential_failure_although_google_calls_it_an_invalid_argument()
    {
        var error = GeminiErrors.Read("""
            {"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT",
              "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}
            """u8);
        Assert.Equal(UpstreamErrorKind.AuthenticationFailed, error.Kind);
    }

    [Theory]
    [InlineData("31s", 31)]
    [InlineData("1.2s", 2)]
    [InlineData("0s", 0)]
    public void Takes_the_wait_from_retry_info(string delay, int seconds)
    {
        var error = GeminiErrors.Read(Encoding.UTF8.GetBytes($$$"""
            {"error":{"code":429,"message":"Quota exceeded.","status":"RESOURCE_EXHAUSTED","details":[
              {"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[]},
              {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"{{{delay}}}"}]}}
            """));
        Assert.Equal(seconds, error.RetryAfterSeconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>502</html>")]
    [InlineData("[]")]
    [InlineData("""{"message":"not google"}""")]
    [InlineData("""{"error":{"status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"soon"}]}}""")]
    public void Reads_whatever_else_comes_without_failing(string body)
    {
        var error = GeminiErrors.Read(Encoding.UTF8.GetBytes(body));
        Assert.Null(error.RetryAfterSeconds);
    }
}
