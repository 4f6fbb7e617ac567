using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Metrics;

/// <summary>
/// Queue depths on RabbitMQ, read through the ingress's <c>/metrics</c>: with metering stopped, the usage batches the
/// ingress sent wait in <c>aimesh-metering</c> and the gauge shows exactly them.
/// </summary>
public sealed class DistributedMetricsTests(QueueDepthMesh mesh) : IClassFixture<QueueDepthMesh>
{
    private static readonly (string, string) MeteringQueue = ("queue", "aimesh-metering");

    [Fact]
    public async Task The_queue_depth_gauge_shows_the_usage_batches_waiting_while_metering_is_stopped()
    {
        using var http = new HttpClient();

        // Metering consumes its queue: the gauge sees its consumer, and nothing waiting.
        await MetricsEndpointTests.ScrapeUntilAsync(http, mesh.Ingress, m =>
            m.Sum("aimesh_bus_queue_consumers", MeteringQueue) >= 1 && m.Contains("aimesh_bus_queue_messages"));
        await mesh.StopMeteringAsync();
        var stopped = await MetricsEndpointTests.ScrapeUntilAsync(http, mesh.Ingress, m =>
            m.Samples.Any(s => s.Name == "aimesh_bus_queue_consumers" && s.Has(MeteringQueue) && s.Value == 0));
        var sentBefore = stopped.Sum("aimesh_ingress_usage_sent_total");
        var batchesBefore = stopped.Sum("aimesh_ingress_usage_batches_total");
        var waitingBefore = stopped.Sum("aimesh_bus_queue_messages", MeteringQueue);

        const int requests = 3;
        for (var i = 0; i < requests; i++)
        {
            var answer = await mesh.Client().GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage($"echo: queued {i}")]);
            Assert.Equal(200, answer.GetRawResponse().Status);
        }

        // The broker confirmed every record (in however many batches); the gauge then counts those batches waiting.
        var sent = await MetricsEndpointTests.ScrapeUntilAsync(http, mesh.Ingress, m => m.Sum("aimesh_ingress_usage_sent_total") >= sentBefore + requests);
        var batches = sent.Sum("aimesh_ingress_usage_batches_total") - batchesBefore;
        Assert.InRange(batches, 1, requests);
        var waiting = await MetricsEndpointTests.ScrapeUntilAsync(http, mesh.Ingress, m =>
            m.Sum("aimesh_bus_queue_messages", MeteringQueue) >= waitingBefore + batches);
        Assert.Equal(waitingBefore + batches, waiting.Sum("aimesh_bus_queue_messages", MeteringQueue));
        Assert.Equal(0, waiting.Sum("aimesh_bus_queue_read_failures_total"));

        // Every other service reports the same queue (the gauge is the broker's, not the process's): here a router.
        var router = await MetricsEndpointTests.ScrapeUntilAsync(http, RouterAddress(), m =>
            m.Sum("aimesh_bus_queue_messages", MeteringQueue) >= waitingBefore + batches);
        Assert.Equal(waitingBefore + batches, router.Sum("aimesh_bus_queue_messages", MeteringQueue));
    }

    private Uri RouterAddress() =>
        new(mesh.Routers[0].Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
