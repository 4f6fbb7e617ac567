using AiMesh.Contracts.Routing;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Bus;

public sealed class CancellationTests
{
    private const string Body = """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hello"}]}""";

    [Fact]
    public async Task An_abandoned_stream_is_cancelled_upstream_and_answered_as_client_cancelled()
    {
        // Long enough (200 tokens, 100 ms apart) that only the abandonment can end it within the test.
        await using var mesh = await RouterMesh.StartAsync("tokens=200;pace=100");
        var request = RouterHost.Chat(Body, stream: true);

        var answer = mesh.Router.RouteAsync(request);
        await mesh.Router.Chunks.WaitForAsync(request.RequestId, 3);
        await mesh.Router.Harness.Bus.Publish(new CompletionAbandoned(request.RequestId, "client_disconnected"));
        var (routed, failed) = await answer;

        Assert.Null(routed);
        Assert.Equal((499, "client_cancelled", "client_cancelled"), (failed!.Status, failed.Code, failed.Outcome));
        Assert.InRange(failed.ChunkCount, 3, 200);
        var recorded = await mesh.Mock.Recorder.WaitForAsync(r => r.Path == "/v1/chat/completions", TimeSpan.FromSeconds(30));
        Assert.True(recorded.Cancelled);
        Assert.False(recorded.Completed);
    }

    [Fact]
    public async Task An_abandonment_of_another_request_changes_nothing()
    {
        await using var mesh = await RouterMesh.StartAsync("tokens=5;pace=50");
        var request = RouterHost.Chat(Body, stream: true);

        var answer = mesh.Router.RouteAsync(request);
        await mesh.Router.Chunks.WaitForAsync(request.RequestId, 1);
        await mesh.Router.Harness.Bus.Publish(new CompletionAbandoned(Guid.NewGuid(), "client_disconnected"));
        var (routed, failed) = await answer;

        Assert.Null(failed);
        Assert.Equal(7, routed!.ChunkCount);
    }

    [Fact]
    public async Task An_abandonment_that_arrives_before_the_call_stops_it_from_starting()
    {
        await using var mesh = await RouterMesh.StartAsync();
        var request = RouterHost.Chat(Body, stream: true);
        await mesh.Router.Harness.Bus.Publish(new CompletionAbandoned(request.RequestId, "deadline"));
        Assert.True(await mesh.Router.Harness.Consumed.Any<CompletionAbandoned>(x => x.Context.Message.RequestId == request.RequestId));

        var (_, failed) = await mesh.Router.RouteAsync(request);

        Assert.Equal((499, 0, 0), (failed!.Status, failed.Attempts, failed.ChunkCount));
        Assert.Empty(mesh.Mock.Recorder.Snapshot());
    }
}
