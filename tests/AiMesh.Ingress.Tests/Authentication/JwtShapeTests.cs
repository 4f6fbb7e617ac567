using AiMesh.Hosting.Jwt;

namespace AiMesh.Ingress.Tests.Authentication;

public sealed class JwtShapeTests
{
    [Theory]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl", true)]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.", true)]
    [InlineData("a-b_c.d-e_f.g-h_i", true)]
    [InlineData("sk-aimesh-0123456789abcdef_ABCDEF-xyz", false)]
    [InlineData("a.b", false)]
    [InlineData("a.b.c.d", false)]
    [InlineData(".b.c", false)]
    [InlineData("a..c", false)]
    [InlineData("a.b+c.d", false)]
    [InlineData("a.b/c.d", false)]
    [InlineData("a.b=.c", false)]
    [InlineData("a.b.c d", false)]
    [InlineData("", false)]
    public void Only_three_base64url_segments_with_a_header_and_a_payload_are_a_token(string credential, bool isToken) =>
        Assert.Equal(isToken, JwtShape.Matches(credential));
}
