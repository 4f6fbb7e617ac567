using System.Text;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Bedrock;

namespace AiMesh.Router.Tests.Providers.Bedrock;

public sealed class BedrockErrorsTests
{
    private readonly IProviderAdapter adapter = new BedrockAdapter(new FixedTime());

    [Theory]
    [InlineData("ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/", "Too many requests", nameof(UpstreamErrorKind.RateLimited))]
    [InlineData("ServiceQuotaExceededException", "quota", nameof(UpstreamErrorKind.RateLimited))]
    [InlineData("ServiceUnavailableException", "try later", nameof(UpstreamErrorKind.Overloaded))]
    [InlineData("ModelNotReadyException", "warming", nameof(UpstreamErrorKind.Overloaded))]
    [InlineData("AccessDeniedException", "no access", nameof(UpstreamErrorKind.AuthenticationFailed))]
    [InlineData("UnrecognizedClientException", "bad token", nameof(UpstreamErrorKind.AuthenticationFailed))]
    [InlineData("InvalidSignatureException", "signature", nameof(UpstreamErrorKind.AuthenticationFailed))]
    [InlineData("ExpiredTokenException", "expired", nameof(UpstreamErrorKind.AuthenticationFailed))]
    [InlineData("ValidationException", "Input is too long for requested model.", nameof(UpstreamErrorKind.ContextLengthExceeded))]
    [InlineData("ValidationException", "prompt is too long: 210000 tokens > 200000 maximum", nameof(UpstreamErrorKind.ContextLengthExceeded))]
    [InlineData("ValidationException", "Too many input tokens. Max input tokens: 8192", nameof(UpstreamErrorKind.ContextLengthExceeded))]
    [InlineData("ValidationException", "temperature must be at most 1", nameof(UpstreamErrorKind.InvalidRequest))]
    [InlineData("ResourceNotFoundException", "no such model", nameof(UpstreamErrorKind.InvalidRequest))]
    [InlineData("com.amazon.coral.service#ModelTimeoutException", "slow", nameof(UpstreamErrorKind.Unknown))]
    [InlineData("InternalServerException", "oops", nameof(UpstreamErrorKind.Unknown))]
    [InlineData("ModelErrorException", "model failed", nameof(UpstreamErrorKind.Unknown))]
    public void Reads_the_error_type_header_and_the_message(string header, string message, string kind)
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", header);

        var error = adapter.ReadError(Encoding.UTF8.GetBytes($$"""{"message":"{{message}}"}"""), response.Headers);

        Assert.Equal((Enum.Parse<UpstreamErrorKind>(kind), message), (error.Kind, error.Message));
        Assert.Null(error.Code);
    }

    [Fact]
    public void Falls_back_to_the_body_type_and_survives_a_body_that_is_not_json()
    {
        using var response = new HttpResponseMessage();
        Assert.Equal(UpstreamErrorKind.RateLimited,
            adapter.ReadError("""{"__type":"com.amazonaws#ThrottlingException","Message":"slow"}"""u8, response.Headers).Kind);

        response.Headers.TryAddWithoutValidation("x-amzn-ErrorType", "AccessDeniedException");
        var error = adapter.ReadError("<html>denied</html>"u8, response.Headers);
        Assert.Equal((UpstreamErrorKind.AuthenticationFailed, (string?)null), (error.Kind, error.Message));

        Assert.Equal(UpstreamErrorKind.Unknown, adapter.ReadError("""{"message":"no type anywhere"}"""u8).Kind);
    }
}
