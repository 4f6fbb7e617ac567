using System.Net;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests;

/// <summary>
/// A broker outage is an explicit, visible state: clients get fast 503s with Retry-After (not hangs), readiness says
/// not ready, and service resumes by itself when the broker is back.
/// </summary>
public sealed class BrokerOutageTests(DistributedMeshBehindProxy mesh, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<DistributedMeshBehindProxy>
{
    private const string Chat = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"echo: alive"}]}""";

    [Fact]
    public async Task Broker_outage_gives_503_with_retry_after_and_service_resumes_by_itself()
    {
        using (var before = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", Chat)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // The broker goes away as it does when it restarts: it closes every connection, and new ones are refused
        // until it is back.
        mesh.Broker.StopAccepting();
        await mesh.CloseBrokerConnectionsAsync();

        // Within a bounded time every answer is a 503 with Retry-After (never a hang): the client's own timeout
        // here is only a guard that turns a hang into a failure.
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 60 && refused is null; i++)
        {
            var response = await client.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", Chat));
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
                await Task.Delay(250);
            }
        }

        Assert.NotNull(refused);
        Assert.True(refused.Headers.RetryAfter is not null, "503 carries Retry-After");
        Assert.Contains("\"error\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        refused.Dispose();
        var notReady = false;
        for (var i = 0; i < 60 && !notReady; i++)
        {
            using var ready = await client.GetAsync(new Uri(mesh.Ingress, "health/ready"));
            notReady = ready.StatusCode == HttpStatusCode.ServiceUnavailable;
            if (!notReady)
            {
                await Task.Delay(250);
            }
        }

        Assert.True(notReady, "readiness reports the outage");

        mesh.Broker.Restore();

        // While MassTransit reconnects, a probe can be refused (503) or outlast its 5 s (a send waiting for the
        // connection); it counts as "not yet resumed" here. Answers are no longer lost on the way: the ingress's queue
        // outlives the dropped connection (IngressReconnectTests).
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var resumed = false;
        for (var i = 0; i < 480 && !resumed; i++)
        {
            try
            {
                using var response = await probe.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions", Chat));
                var text = await response.Content.ReadAsStringAsync();
                resumed = response.StatusCode == HttpStatusCode.OK && text.Contains("alive", StringComparison.Ordinal);
                if (!resumed)
                {
                    output.WriteLine($"still {response.StatusCode} after {i} tries");
                }
            }
            catch (TaskCanceledException)
            {
                output.WriteLine($"no answer in 5 s after {i} tries");
            }

            if (!resumed)
            {
                await Task.Delay(250);
            }
        }

        Assert.True(resumed, "service resumed without a restart once the broker came back");
    }
}
