using System.Text.Json;
using AiMesh.Ingress.Anthropic;
using AiMesh.Ingress.Http;
using AiMesh.Ingress.OpenAi;
using Microsoft.AspNetCore.Http;

namespace AiMesh.Ingress.Tests.Anthropic;

public sealed class AnthropicErrorsTests
{
    // the mesh's status, Anthropic's status and error type
    [Theory]
    [InlineData(400, 400, "invalid_request_error")]
    [InlineData(408, 408, "invalid_request_error")]
    [InlineData(401, 401, "authentication_error")]
    [InlineData(403, 403, "permission_error")]
    [InlineData(404, 404, "not_found_error")]
    [InlineData(413, 413, "request_too_large")]
    [InlineData(429, 429, "rate_limit_error")]
    [InlineData(500, 500, "api_error")]
    [InlineData(502, 502, "api_error")]
    [InlineData(504, 504, "api_error")]
    [InlineData(503, 529, "overloaded_error")]
    public async Task Each_failure_is_answered_with_anthropics_status_type_and_shape(int status, int anthropicStatus, string type)
    {
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();
        http.Response.Headers[RequestIds.Header] = "req-1";

        await AnthropicErrors.WriteAsync(http.Response, new ApiError(status, "api_error", "some_code", "What went wrong.", RetryAfterSeconds: status == 429 ? 7 : null));

        Assert.Equal(anthropicStatus, http.Response.StatusCode);
        Assert.Equal("application/json", http.Response.ContentType);
        Assert.Equal("req-1", http.Response.Headers["request-id"].ToString());
        Assert.Equal(status == 429 ? "7" : "", http.Response.Headers.RetryAfter.ToString());
        var body = JsonDocument.Parse(((MemoryStream)http.Response.Body).ToArray()).RootElement;
        Assert.Equal($$"""{"type":"error","error":{"type":"{{type}}","message":"What went wrong."},"request_id":"req-1"}""", body.GetRawText());
    }
}
