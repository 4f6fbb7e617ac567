using System.Text;
using AiMesh.Router.Providers;
using static AiMesh.Router.Tests.Providers.Cohere.CohereCalls;

namespace AiMesh.Router.Tests.Providers.Cohere;

public sealed class CohereErrorsTests
{
    [Theory]
    [InlineData("too many tokens: size limit exceeded by 11326 tokens. Try using shorter or fewer inputs, or setting prompt_truncation='AUTO'.", "ContextLengthExceeded")]
    [InlineData("too many tokens: total number of tokens in the prompt cannot exceed 4081 - received 4292.", "ContextLengthExceeded")]
    [InlineData("too many tokens: max tokens must be less than or equal to 4096, the maximum output for this model - received 8192.", "Unknown")]
    [InlineData("invalid api token", "AuthenticationFailed")]
    [InlineData("no api key supplied", "AuthenticationFailed")]
    [InlineData("You are using a Trial key, which is limited to 20 API calls / minute.", "RateLimited")]
    [InlineData("service unavailable: the model is overloaded", "Overloaded")]
    [InlineData("invalid request: temperature must be between 0 and 1.0 inclusive.", "Unknown")]
    public void Cohere_s_documented_messages_say_what_kind_of_error_it_is(string message, string kind)
    {
        var error = Adapter.ReadError(Encoding.UTF8.GetBytes($$"""{"id":"e-1","message":{{System.Text.Json.JsonSerializer.Serialize(message)}}}"""));

        Assert.Equal((Enum.Parse<UpstreamErrorKind>(kind), message), (error.Kind, error.Message));
        Assert.Null(error.Code);
    }

    [Theory]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("[]")]
    [InlineData("""{"message":42}""")]
    [InlineData("""{"message":"\ud800"}""")]
    public void A_body_that_is_not_cohere_s_error_says_nothing(string body)
    {
        var error = Adapter.ReadError(Encoding.UTF8.GetBytes(body));

        Assert.Null(error.Message);
        Assert.Equal(UpstreamErrorKind.Unknown, error.Kind);
    }
}
