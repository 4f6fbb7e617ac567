using AiMesh.Ingress.Http;
using Microsoft.AspNetCore.Http;

namespace AiMesh.Ingress.Tests.Http;

public sealed class RequestIdsTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("req_01HZX3-9.a:b")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("a")]
    public void A_well_formed_client_id_is_echoed_and_never_becomes_the_internal_id(string given)
    {
        var http = WithRequestId(given);

        var (id, echo) = RequestIds.Assign(http);

        Assert.Equal(given, echo);
        Assert.Equal(given, http.Response.Headers[RequestIds.Header].ToString());
        Assert.NotEqual(Guid.Empty, id);
        Assert.NotEqual(given, id.ToString("D"));
    }

    [Fact]
    public void An_id_of_128_characters_is_echoed_and_one_of_129_is_replaced()
    {
        var longest = new string('a', 128);
        Assert.Equal(longest, RequestIds.Assign(WithRequestId(longest)).Echo);

        var (id, echo) = RequestIds.Assign(WithRequestId(longest + "a"));
        Assert.Equal(id.ToString("D"), echo);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("<script>")]
    [InlineData("semi;colon")]
    [InlineData("new\nline")]
    [InlineData("ünïcode")]
    [InlineData("a/b")]
    public void A_malformed_client_id_is_replaced_by_the_internal_id(string given)
    {
        var http = WithRequestId(given);

        var (id, echo) = RequestIds.Assign(http);

        Assert.Equal(id.ToString("D"), echo);
        Assert.Equal(echo, http.Response.Headers[RequestIds.Header].ToString());
    }

    [Fact]
    public void Without_a_client_id_the_internal_id_is_echoed()
    {
        var http = new DefaultHttpContext();

        var (id, echo) = RequestIds.Assign(http);

        Assert.Equal(id.ToString("D"), echo);
        Assert.Equal(echo, http.Response.Headers[RequestIds.Header].ToString());
    }

    [Fact]
    public void Two_requests_with_the_same_client_id_get_different_internal_ids()
    {
        var first = RequestIds.Assign(WithRequestId("same")).Id;
        var second = RequestIds.Assign(WithRequestId("same")).Id;

        Assert.NotEqual(first, second);
    }

    private static DefaultHttpContext WithRequestId(string value)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers[RequestIds.Header] = value;
        return http;
    }
}
