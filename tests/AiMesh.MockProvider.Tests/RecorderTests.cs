using System.Net;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests;

public sealed class RecorderTests : MockProviderTest
{
    [Fact]
    public async Task Records_the_request_and_how_it_ended()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "s/tokens=2/v1/chat/completions") { Content = JsonBody(ChatBody("hi")) };
        request.Headers.Add("X-Custom-Thing", "abc");
        request.Headers.Add("Authorization", "Bearer sk-test");
        using var response = await Http.SendAsync(request);

        var recorded = await Mock.Recorder.WaitForAsync(r => r.Path == "/v1/chat/completions", WaitTimeout);
        Assert.Equal(1, recorded.Id);
        Assert.Equal("POST", recorded.Method);
        Assert.Equal("tokens=2", recorded.Scenario);
        Assert.Equal("abc", recorded.Headers["x-custom-thing"]);
        Assert.Equal("Bearer sk-test", recorded.Headers["authorization"]);
        Assert.StartsWith("application/json", recorded.Headers["content-type"], StringComparison.Ordinal);
        Assert.Equal(ChatBody("hi"), recorded.Body);
        Assert.True(recorded.Finished);
        Assert.Equal(200, recorded.StatusCode);
        Assert.True(recorded.Completed);
        Assert.False(recorded.Cancelled);
        Assert.False(recorded.Aborted);
        Assert.True(recorded.ReceivedAt <= DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task The_recording_is_readable_and_clearable_over_http()
    {
        using var first = await Http.GetAsync("v1/models");
        using var second = await Http.PostAsync("s/status=429/v1/embeddings", JsonBody("""{"model":"e","input":"x"}"""));
        await Mock.Recorder.WaitForAsync(r => r.StatusCode == 429, WaitTimeout);
        await Mock.Recorder.WaitForAsync(r => r.Path == "/v1/models", WaitTimeout);

        var json = JsonDocument.Parse(await Http.GetStringAsync("mock/requests")).RootElement;
        using var clear = await Http.DeleteAsync("mock/requests");
        var afterClear = JsonDocument.Parse(await Http.GetStringAsync("mock/requests")).RootElement;

        var entries = json.EnumerateArray().ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal("/v1/models", entries[0].GetProperty("path").GetString());
        Assert.Equal("GET", entries[0].GetProperty("method").GetString());
        Assert.True(entries[0].GetProperty("completed").GetBoolean());
        Assert.Equal("/v1/embeddings", entries[1].GetProperty("path").GetString());
        Assert.Equal("status=429", entries[1].GetProperty("scenario").GetString());
        Assert.Equal(429, entries[1].GetProperty("status").GetInt32());
        Assert.Equal("""{"model":"e","input":"x"}""", entries[1].GetProperty("body").GetString());
        Assert.True(entries[1].GetProperty("headers").TryGetProperty("host", out _));
        Assert.Equal(HttpStatusCode.NoContent, clear.StatusCode);
        Assert.Equal(0, afterClear.GetArrayLength());
        Assert.Empty(Mock.Recorder.Snapshot());
    }

    [Fact]
    public async Task WaitForAsync_times_out_when_nothing_matching_finishes()
    {
        using var response = await Http.GetAsync("v1/models");

        await Assert.ThrowsAsync<TimeoutException>(() => Mock.Recorder.WaitForAsync(r => r.Path == "/never", TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task WaitForAsync_returns_a_request_that_finished_before_the_wait_began()
    {
        using var response = await Http.GetAsync("v1/models");
        await response.Content.ReadAsStringAsync();

        var recorded = await Mock.Recorder.WaitForAsync(r => r.Path == "/v1/models", WaitTimeout);

        Assert.True(recorded.Completed);
    }
}
