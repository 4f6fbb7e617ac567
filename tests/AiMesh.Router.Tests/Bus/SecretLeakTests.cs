using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Bus;

public sealed class SecretLeakTests
{
    [Fact]
    public async Task The_key_and_the_prompt_appear_in_no_message_and_no_log_line()
    {
        const string prompt = "prompt-marker-5d1c0b9e";
        await using var mesh = await RouterMesh.StartAsync();
        await using var odd = await OddProvider.StartAsync();
        var body = $$"""{"model":"gpt-4o-mini","stream":%STREAM%,"messages":[{"role":"user","content":"{{prompt}}"}]}""";

        var (ok, _) = await mesh.Router.RouteAsync(RouterHost.Chat(body.Replace("%STREAM%", "false", StringComparison.Ordinal), stream: false));
        var streamed = RouterHost.Chat(body.Replace("%STREAM%", "true", StringComparison.Ordinal), stream: true);
        var (okStream, _) = await mesh.Router.RouteAsync(streamed);
        await mesh.Router.Chunks.WaitForAsync(streamed.RequestId, okStream!.ChunkCount);
        Assert.NotNull(ok);

        // The same router, now against providers that echo the key back in their errors.
        await using var echo = await RouterHost.StartAsync(RouterHost.Settings(odd.Api("echo-key")));
        await using var echo401 = await RouterHost.StartAsync(RouterHost.Settings(odd.Api("echo-key-401")));
        await using var streamError = await RouterHost.StartAsync(RouterHost.Settings(odd.Api("stream-error")));
        var (_, echoed) = await echo.RouteAsync(RouterHost.Chat(body.Replace("%STREAM%", "false", StringComparison.Ordinal), stream: false));
        var (_, echoed401) = await echo401.RouteAsync(RouterHost.Chat(body.Replace("%STREAM%", "false", StringComparison.Ordinal), stream: false));
        var (_, streamFailed) = await streamError.RouteAsync(RouterHost.Chat(body.Replace("%STREAM%", "true", StringComparison.Ordinal), stream: true));
        Assert.Equal((400, 502, 502), (echoed!.Status, echoed401!.Status, streamFailed!.Status));

        // The providers did receive the key: the check below is not vacuous.
        Assert.All(mesh.Mock.Recorder.Snapshot(), r => Assert.Equal("Bearer " + RouterHost.Key, r.Headers["authorization"]));

        RouterHost[] hosts = [mesh.Router, echo, echo401, streamError];
        var messages = hosts.SelectMany(h => h.Tap.Seen).ToList();
        var logs = hosts.SelectMany(h => h.Logs.Lines).ToList();
        Assert.Contains(messages, m => m.StartsWith("RouteCompletion", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("CompletionChunk", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("CompletionFailed", StringComparison.Ordinal));
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(messages, m => m.Contains(RouterHost.Key, StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Contains(RouterHost.Key, StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Contains(prompt, StringComparison.Ordinal));
    }
}
