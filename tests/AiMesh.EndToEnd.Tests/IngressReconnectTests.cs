using System.Net;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests;

/// <summary>
/// The ingress loses its broker connection while a request is with the router, and the router answers before the
/// ingress is back. The answer must wait for it in the ingress's queue, not vanish with a queue deleted along with the
/// connection (MassTransit's temporary queues are exclusive) and leave the client waiting for the request's deadline.
/// </summary>
public sealed class IngressReconnectTests(DistributedMeshIngressBehindProxy mesh) : IClassFixture<DistributedMeshIngressBehindProxy>
{
    [Fact]
    public async Task An_answer_sent_while_the_ingress_is_disconnected_reaches_the_client_after_it_reconnects()
    {
        var marker = Guid.NewGuid().ToString("N");
        // The guard turns a lost answer (a wait for the ten-minute deadline) into a failure.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(90) };
        var answer = client.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions",
            $$"""{"model":"lagging-model","messages":[{"role":"user","content":"echo: {{marker}}"}]}"""));

        // Once the provider has the call, the ingress's connection drops and stays down until the provider has
        // answered and the router has sent the answer on.
        // (The mock reads the body after its latency: until then a call is known by its scenario.)
        var before = mesh.Mock.Recorder.Snapshot().Count(r => r.Scenario == "latency=3000");
        await WaitUntilAsync(() => Task.FromResult(answer.IsCompleted || mesh.Mock.Recorder.Snapshot().Count(r => r.Scenario == "latency=3000") > before),
            "the provider never got the call");
        if (answer.IsCompleted)
        {
            using var early = await answer;
            Assert.Fail($"the request ended before the connection dropped: {(int)early.StatusCode} {await early.Content.ReadAsStringAsync()}");
        }

        mesh.IngressBroker.Cut();
        var served = await mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.True(served.Completed);
        await WaitUntilAsync(async () => answer.IsCompleted || await mesh.IngressQueueDepthAsync() > 0, "the router's answer never reached the ingress's queue");
        if (answer.IsCompleted)
        {
            using var early = await answer;
            Assert.Fail($"answered while disconnected: {(int)early.StatusCode} {await early.Content.ReadAsStringAsync()}");
        }

        mesh.IngressBroker.Restore();

        using var response = await answer;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        Assert.Contains(marker, body, StringComparison.Ordinal);
    }

    /// <summary>Polls for up to 20 s: a guard, not a speed claim (one rabbitmqctl call can take seconds on a busy machine).</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var giveUp = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < giveUp)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail(failure);
    }
}
