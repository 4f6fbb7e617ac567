using System.Net.Http.Headers;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Tests.Transport;

public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void Reads_delta_seconds()
    {
        using var response = new HttpResponseMessage();
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(12));
        Assert.Equal(12, RetryAfter.Seconds(response.Headers, Now));
    }

    [Fact]
    public void Reads_an_http_date_as_seconds_from_now_rounded_up()
    {
        using var response = new HttpResponseMessage();
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(30));
        Assert.Equal(30, RetryAfter.Seconds(response.Headers, Now.AddMilliseconds(-1).AddSeconds(1)));
    }

    [Fact]
    public void A_date_in_the_past_means_now_and_no_header_means_none()
    {
        using var response = new HttpResponseMessage();
        Assert.Null(RetryAfter.Seconds(response.Headers, Now));
        response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddMinutes(-1));
        Assert.Equal(0, RetryAfter.Seconds(response.Headers, Now));
    }
}
