using System.Text;
using AiMesh.Ingress.Feedback;

namespace AiMesh.Ingress.Tests.Feedback;

/// <summary><c>POST /v1/feedback</c>'s body as clients send it: every fault a 400 naming the member, before anything is asked of policy or metering.</summary>
public sealed class FeedbackBodyTests
{
    private static readonly Guid Id = Guid.NewGuid();

    [Fact]
    public void A_score_with_a_comment_or_without_is_read()
    {
        var (requestId, score, comment, error) = FeedbackEndpoint.Read(Bytes($$"""{"request_id":"{{Id}}","score":-0.5,"comment":"too long"}"""));
        var (_, thumb, none, _) = FeedbackEndpoint.Read(Bytes($$"""{"request_id":"{{Id}}","score":1,"comment":null}"""));

        Assert.Null(error);
        Assert.Equal((Id, -0.5, "too long"), (requestId, score, comment));
        Assert.Equal((1d, (string?)null), (thumb, none));
    }

    [Theory]
    [InlineData("not json", null, "invalid_json")]
    [InlineData("[1]", null, "invalid_value")]
    [InlineData("""{"score":1}""", "request_id", "invalid_value")]
    [InlineData("""{"request_id":"req-1","score":1}""", "request_id", "invalid_value")]
    [InlineData("""{"request_id":"ID","score":"1"}""", "score", "invalid_value")]
    [InlineData("""{"request_id":"ID","score":1.01}""", "score", "invalid_value")]
    [InlineData("""{"request_id":"ID","score":-2}""", "score", "invalid_value")]
    [InlineData("""{"request_id":"ID"}""", "score", "invalid_value")]
    [InlineData("""{"request_id":"ID","score":0,"comment":7}""", "comment", "invalid_value")]
    public void A_faulty_body_is_a_400_naming_the_member(string body, string? param, string code)
    {
        var (_, _, _, error) = FeedbackEndpoint.Read(Bytes(body.Replace("ID", Id.ToString(), StringComparison.Ordinal)));

        Assert.NotNull(error);
        Assert.Equal((400, param, code), (error.Status, error.Param, error.Code));
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
