using System.Net;
using System.Net.Sockets;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Bus;

public sealed class UpstreamFailureTests
{
    private const string Body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}""";

    [Fact]
    public async Task A_rate_limit_keeps_its_status_and_retry_after()
    {
        // The mapping alone: retried, the same 429 would come back after 7 s twice (RetryTests covers retrying).
        await using var mesh = await RouterMesh.StartAsync("status=429;retryAfter=7", NoRetries);

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false));

        Assert.Equal((429, "rate_limit_error", "rate_limit_exceeded", 7, "error"),
            (failed!.Status, failed.Type, failed.Code, failed.RetryAfterSeconds, failed.Outcome));
        Assert.Equal(1, failed.Attempts);
    }

    [Fact]
    public async Task A_rate_limit_on_a_streamed_call_is_answered_before_any_chunk()
    {
        await using var mesh = await RouterMesh.StartAsync("status=429;retryAfter=3");

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat("""{"model":"m","stream":true,"messages":[]}""", stream: true));

        Assert.Equal((429, 3, 0), (failed!.Status, failed.RetryAfterSeconds, failed.ChunkCount));
    }

    [Fact]
    public async Task A_server_error_keeps_its_status()
    {
        await using var mesh = await RouterMesh.StartAsync("status=500", NoRetries);

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false));

        Assert.Equal((500, "api_error", "upstream_error", "error"), (failed!.Status, failed.Type, failed.Code, failed.Outcome));
        Assert.Single(mesh.Mock.Recorder.Snapshot());
    }

    [Fact]
    public async Task Rejected_credentials_are_a_502_that_does_not_repeat_the_provider()
    {
        await using var mesh = await RouterMesh.StartAsync("status=401");

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false));

        Assert.Equal((502, "api_error", "upstream_auth_failed"), (failed!.Status, failed.Type, failed.Code));
        Assert.Contains("mock-chat", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Mock scenario", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("incorrect API key", failed.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_provider_error_message_passes_with_the_key_redacted()
    {
        await using var odd = await OddProvider.StartAsync();
        await using var router = await RouterHost.StartAsync(RouterHost.Settings(odd.Api("echo-key")));

        var (_, failed) = await router.RouteAsync(RouterHost.Chat(Body, stream: false));

        Assert.Equal((400, "invalid_request_error", "invalid_value", "model"), (failed!.Status, failed.Type, failed.Code, failed.Param));
        Assert.StartsWith("Incorrect value. You sent: Bearer [redacted]", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(RouterHost.Key, failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        await using var odd = await OddProvider.StartAsync();
        await using var router = await RouterHost.StartAsync(RouterHost.Settings(odd.Api("redirect")));

        var (routed, failed) = await router.RouteAsync(RouterHost.Chat(Body, stream: false));

        Assert.Null(routed);
        Assert.Equal((502, "upstream_redirect"), (failed!.Status, failed.Code));
        Assert.Equal(0, odd.StolenHits);
    }

    [Fact]
    public async Task A_provider_nobody_listens_for_is_unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var router = await RouterHost.StartAsync(RouterHost.Settings(new Uri($"http://127.0.0.1:{port}/v1")));

        var (_, failed) = await router.RouteAsync(RouterHost.Chat(Body, stream: false));

        Assert.Equal((502, "upstream_unreachable", "error"), (failed!.Status, failed.Code, failed.Outcome));
    }

    [Fact]
    public async Task A_provider_slower_than_the_first_byte_timeout_is_a_504_and_is_hung_up_on()
    {
        await using var mesh = await RouterMesh.StartAsync("latency=10000", s => s["Router:Timeouts:FirstByte"] = "00:00:00.500");

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false));

        Assert.Equal((504, "upstream_timeout", "error"), (failed!.Status, failed.Code, failed.Outcome));
        var recorded = await mesh.Mock.Recorder.WaitForAsync(_ => true, TimeSpan.FromSeconds(30));
        Assert.True(recorded.Cancelled);
    }

    [Fact]
    public async Task The_request_deadline_caps_the_call()
    {
        await using var mesh = await RouterMesh.StartAsync("latency=10000");

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, deadline: DateTimeOffset.UtcNow.AddMilliseconds(700)));

        Assert.Equal((504, "deadline_exceeded", "timed_out"), (failed!.Status, failed.Code, failed.Outcome));
    }

    [Fact]
    public async Task A_request_whose_deadline_already_passed_is_not_sent()
    {
        await using var mesh = await RouterMesh.StartAsync();

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, deadline: DateTimeOffset.UtcNow.AddSeconds(-1)));

        Assert.Equal((504, "deadline_exceeded", 0), (failed!.Status, failed.Code, failed.Attempts));
        Assert.Empty(mesh.Mock.Recorder.Snapshot());
    }

    private static void NoRetries(Dictionary<string, string?> settings) => settings["Router:Retries:MaxAttempts"] = "1";
}
