using System.Net;
using AiMesh.Hosting;
using AiMesh.Prompts;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AiMesh.EndToEnd.Tests.Metrics;

/// <summary>
/// The scrape endpoint's switches, and the queue-depth gauge when the broker cannot be read, on a small host (the
/// prompts service alone) over a real socket.
/// </summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Metrics_Enabled_false_turns_the_endpoint_off()
    {
        await using var host = await StartAsync("--Metrics:Enabled=false");
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(host.Address, "metrics"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(host.Address, "health/live"))).StatusCode);
    }

    [Fact]
    public async Task Metrics_Hosts_binds_the_endpoint_to_the_hosts_named()
    {
        await using var host = await StartAsync("--Metrics:Hosts:0=metrics.internal", "--Metrics:Path=/internal/metrics");
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(host.Address, "internal/metrics"))).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(host.Address, "internal/metrics"));
        request.Headers.Host = "metrics.internal";
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_broker_that_cannot_be_read_leaves_the_queue_gauge_absent_and_counts_failed_reads()
    {
        // Port 9 on the loopback: nothing listens, every connection is refused.
        await using var host = await StartAsync(
            "--Bus:Transport=RabbitMq", "--Bus:RabbitMq:Host=127.0.0.1", "--Bus:RabbitMq:Port=9", "--Metrics:QueueDepthInterval=00:00:01");
        using var http = new HttpClient();

        var text = await ScrapeUntilAsync(http, host.Address, m => m.Sum("aimesh_bus_queue_read_failures_total") >= 2);
        Assert.False(text.Contains("aimesh_bus_queue_messages"));
        Assert.False(text.Contains("aimesh_bus_queue_consumers"));
    }

    internal static async Task<PrometheusText> ScrapeUntilAsync(HttpClient http, Uri host, Func<PrometheusText, bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            using var response = await http.GetAsync(new Uri(host, "metrics"), deadline.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = PrometheusText.Parse(await response.Content.ReadAsStringAsync(deadline.Token));
            if (condition(text))
            {
                return text;
            }

            await Task.Delay(200, deadline.Token);
        }
    }

    private static async Task<RunningHost> StartAsync(params string[] args)
    {
        var app = MeshHost.Build(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:MassTransit=None", .. args],
            "aimesh-prompts", _ => [new PromptsModule()]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunningHost(app, new Uri(address));
    }

    private sealed record RunningHost(WebApplication App, Uri Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
