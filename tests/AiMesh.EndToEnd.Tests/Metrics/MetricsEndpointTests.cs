using AiMesh.EndToEnd.Tests.Infrastructure;
using System.Diagnostics.Metrics;
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

    [Fact]
    public async Task Names_units_and_label_values_come_out_as_Prometheus_expects_and_another_hosts_meters_stay_out()
    {
        await using var host = await StartAsync();
        var meter = host.App.Services.GetRequiredService<IMeterFactory>().Create("AiMesh.Test");
        const string tricky = "a\"b\\c\nd é";
        meter.CreateCounter<long>("aimesh.test.things", "{thing}", "Things \\ counted\nhere").Add(2, new KeyValuePair<string, object?>("text", tricky));
        meter.CreateHistogram<double>("aimesh.test.wait", "ms").Record(3);
        meter.CreateObservableGauge("aimesh.test.fill", () => 0.5, "1");
        meter.CreateUpDownCounter<long>("aimesh.test.level", "By").Add(-7);

        // A meter of the same name from another container (another host in this process) is not this host's.
        using var elsewhere = new ServiceCollection().AddMetrics().BuildServiceProvider();
        elsewhere.GetRequiredService<IMeterFactory>().Create("AiMesh.Test").CreateCounter<long>("aimesh.test.elsewhere").Add(1);

        using var http = new HttpClient();
        var text = PrometheusText.Parse(await http.GetStringAsync(new Uri(host.Address, "metrics")));

        Assert.Equal("counter", text.Types["aimesh_test_things_total"]);
        Assert.Equal(tricky, text.Samples.Single(s => s.Name == "aimesh_test_things_total").Labels["text"]);
        Assert.Equal(2, text.Sum("aimesh_test_things_total"));
        Assert.Equal("histogram", text.Types["aimesh_test_wait_milliseconds"]);
        Assert.Equal(1, text.Sum("aimesh_test_wait_milliseconds_count"));
        Assert.Equal(3, text.Sum("aimesh_test_wait_milliseconds_sum"));
        Assert.Equal(0.5, text.Sum("aimesh_test_fill_ratio"));
        Assert.Equal("gauge", text.Types["aimesh_test_level_bytes"]);
        Assert.Equal(-7, text.Sum("aimesh_test_level_bytes"));
        Assert.DoesNotContain(text.Types.Keys, k => k.StartsWith("aimesh_test_elsewhere", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_go_out_over_OTLP_when_an_endpoint_is_configured()
    {
        // A tiny OTLP/HTTP receiver: it keeps what is posted to /v1/metrics (protobuf carries names as UTF-8 bytes).
        var received = new System.Collections.Concurrent.ConcurrentQueue<(string? ContentType, byte[] Body)>();
        var receiverBuilder = WebApplication.CreateSlimBuilder();
        receiverBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = receiverBuilder.Build();
        receiver.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Enqueue((request.ContentType, body.ToArray()));
            return Results.Ok();
        });
        await receiver.StartAsync();
        var collector = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        await using var host = await StartAsync(
            $"--OTEL_EXPORTER_OTLP_ENDPOINT={collector}", "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf", "--OTEL_METRIC_EXPORT_INTERVAL=200");
        host.App.Services.GetRequiredService<IMeterFactory>().Create("AiMesh.Test").CreateCounter<long>("aimesh.test.exported").Add(5);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var name = System.Text.Encoding.UTF8.GetBytes("aimesh.test.exported");
        var service = System.Text.Encoding.UTF8.GetBytes("aimesh-prompts");
        while (!received.Any(r => r.Body.AsSpan().IndexOf(name) >= 0))
        {
            await Task.Delay(100, deadline.Token);
        }

        var export = received.First(r => r.Body.AsSpan().IndexOf(name) >= 0);
        Assert.Equal("application/x-protobuf", export.ContentType);
        Assert.True(export.Body.AsSpan().IndexOf(service) >= 0, "the export names the service");
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
            await App.StopBoundedAsync();
        }
    }
}
