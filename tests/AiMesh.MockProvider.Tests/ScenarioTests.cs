using System.Net;

namespace AiMesh.MockProvider.Tests;

public sealed class ScenarioTests : MockProviderTest
{
    [Theory]
    [InlineData("s/status=429;retryAfter=2/v1/chat/completions")]
    [InlineData("s/status%3D429%3BretryAfter%3D2/v1/chat/completions")]
    [InlineData("s/status%253D429%253BretryAfter%253D2/v1/chat/completions")]
    public async Task Status_429_from_the_path_prefix_sends_retry_after_and_a_rate_limit_error(string path)
    {
        var (response, json) = await PostJsonAsync(path, ChatBody("hi"));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal("rate_limit_exceeded", json.GetProperty("error").GetProperty("code").GetString());
        var recorded = Assert.Single(Mock.Recorder.Snapshot());
        Assert.Equal("/v1/chat/completions", recorded.Path);
        Assert.Equal("status=429;retryAfter=2", recorded.Scenario);
    }

    [Fact]
    public async Task ScenarioAddress_points_every_route_at_the_scenario()
    {
        using var client = new HttpClient { BaseAddress = Mock.ScenarioAddress("status=503") };

        using var response = await client.GetAsync("v1/models");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("status=503", Assert.Single(Mock.Recorder.Snapshot()).Scenario);
    }

    [Fact]
    public async Task Status_503_is_a_server_error_and_429_defaults_retry_after_to_one_second()
    {
        var (unavailable, json) = await PostJsonAsync("v1/chat/completions", ChatBody("hi"), scenarioHeader: "status=503");
        var (limited, _) = await PostJsonAsync("v1/chat/completions", ChatBody("hi"), scenarioHeader: "status=429");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal("server_error", json.GetProperty("error").GetProperty("type").GetString());
        Assert.Null(unavailable.Headers.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(1), limited.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task StatusCount_fails_only_the_first_requests_with_that_spec()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var (response, _) = await PostJsonAsync("s/status=503;statusCount=2/v1/chat/completions", ChatBody("hi"));
            statuses.Add(response.StatusCode);
        }

        // A different spec string has its own count.
        var (other, _) = await PostJsonAsync("s/status=503;statusCount=2;tag=b/v1/chat/completions", ChatBody("hi"));

        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.OK], statuses);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, other.StatusCode);
    }

    [Fact]
    public async Task StatusEvery_fails_one_request_in_n_evenly()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            var (response, _) = await PostJsonAsync("s/status=500;statusEvery=2;tag=every/v1/chat/completions", ChatBody("hi"));
            statuses.Add(response.StatusCode);
        }

        var (invalid, _) = await PostJsonAsync("s/status=500;statusEvery=0/v1/chat/completions", ChatBody("hi"));

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.OK, HttpStatusCode.InternalServerError, HttpStatusCode.OK, HttpStatusCode.InternalServerError, HttpStatusCode.OK], statuses);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }

    [Fact]
    public async Task Header_scenario_merges_with_the_path_and_wins()
    {
        var (response, json) = await PostJsonAsync("s/tokens=3;finish=length/v1/chat/completions", ChatBody("hi"), scenarioHeader: "tokens=5");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var choice = json.GetProperty("choices")[0];
        Assert.Equal("This is a deterministic reply", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("latency=abc")]
    [InlineData("colour=blue")]
    [InlineData("status=200")]
    [InlineData("tokens")]
    public async Task A_malformed_scenario_is_rejected_with_a_400(string spec)
    {
        var (response, json) = await PostJsonAsync("v1/chat/completions", ChatBody("hi"), scenarioHeader: spec);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("x-mock-scenario", json.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task CutAfter_breaks_the_stream_after_n_chunks_without_finish_or_done()
    {
        using var response = await PostStreamAsync("v1/chat/completions", ChatBody("hi", stream: true), scenarioHeader: "cutAfter=3");
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var received = new List<string>();

        var failure = await Record.ExceptionAsync(async () =>
        {
            while (await sse.NextAsync() is { } data)
            {
                received.Add(data);
            }
        });

        Assert.IsAssignableFrom<IOException>(failure);
        Assert.Equal(1 + 3, received.Count);
        Assert.DoesNotContain(SseReader.Done, received);
        Assert.All(received, e => Assert.Equal(System.Text.Json.JsonValueKind.Null,
            SseReader.Parse(e).GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));
        var recorded = await Mock.Recorder.WaitForAsync(_ => true, WaitTimeout);
        Assert.True(recorded.Aborted);
        Assert.False(recorded.Completed);
        Assert.False(recorded.Cancelled);
    }

    [Fact]
    public async Task CutAfter_on_a_whole_answer_sends_half_the_body_then_breaks_the_connection()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = JsonBody(ChatBody("hi")) };
        request.Headers.Add("x-mock-scenario", "cutAfter=1");
        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        var failure = await Record.ExceptionAsync(() => response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(failure is IOException or HttpRequestException, $"Expected a broken read, got {failure}");
    }

    [Fact]
    public async Task StallAfter_holds_the_stream_until_the_caller_cancels_and_the_mock_records_it_cancelled()
    {
        using var response = await PostStreamAsync("v1/chat/completions", ChatBody("hi", stream: true), scenarioHeader: "stallAfter=2");
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var received = new List<string?> { await sse.NextAsync(), await sse.NextAsync(), await sse.NextAsync() };
        Assert.All(received, Assert.NotNull);
        Assert.False(Assert.Single(Mock.Recorder.Snapshot()).Finished);

        using var cancel = new CancellationTokenSource();
        var next = sse.NextAsync(cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        response.Dispose();

        var recorded = await Mock.Recorder.WaitForAsync(r => r.Path == "/v1/chat/completions", WaitTimeout);
        Assert.True(recorded.Cancelled);
        Assert.False(recorded.Completed);
        Assert.False(recorded.Aborted);
        Assert.Equal(200, recorded.StatusCode);
    }

    [Fact]
    public async Task A_bounded_stall_resumes_and_completes_the_stream()
    {
        using var response = await PostStreamAsync("v1/chat/completions", ChatBody("hi", stream: true), scenarioHeader: "stallAfter=1;stall=50;tokens=3");
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = await sse.ReadAllAsync();

        Assert.Equal(1 + 3 + 1 + 1, events.Count);
        Assert.Equal(SseReader.Done, events[^1]);
    }

    [Fact]
    public async Task A_caller_that_gives_up_during_the_latency_is_recorded_as_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var call = PostStreamAsync("v1/chat/completions", ChatBody("hi", stream: true), scenarioHeader: "latency=60000", ct: cancel.Token);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

        var recorded = await Mock.Recorder.WaitForAsync(_ => true, WaitTimeout);
        Assert.True(recorded.Cancelled);
        Assert.False(recorded.Completed);
    }
}
