using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Sockets;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Metrics;

/// <summary>
/// <c>GET /metrics</c> of the embedded mesh, scraped over a real socket after chat completions sent with the official
/// OpenAI SDK from another loopback address (127.0.0.2, so the client's address is not also the server's).
/// </summary>
public sealed class EmbeddedMetricsTests(EmbeddedMesh mesh) : IClassFixture<EmbeddedMesh>
{
    private const string ClientAddress = "127.0.0.2";
    private const string Model = "gpt-4o-mini";
    private const string UnknownModel = "no-such-model-7c1e";

    private static readonly (string, string)[] OkChat =
        [("api", "chat.completions"), ("model", Model), ("outcome", "ok"), ("status_class", "2xx")];

    [Fact]
    public async Task Requests_latency_tokens_decisions_and_usage_are_counted_with_bounded_labels()
    {
        using var http = ClientFrom(ClientAddress);
        var client = new OpenAIClient(new ApiKeyCredential(TestEnvironment.ClientKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(mesh.Ingress, "v1"),
            RetryPolicy = new ClientRetryPolicy(0),
            Transport = new HttpClientPipelineTransport(http),
        });
        var before = await ScrapeAsync();
        var storedBefore = before.Sum("aimesh_metering_events_stored_total");
        var requestIds = new List<string>();

        const int whole = 3;
        for (var i = 0; i < whole; i++)
        {
            var answer = await client.GetChatClient(Model).CompleteChatAsync([new UserChatMessage($"echo: metrics {i}")]);
            requestIds.Add(RequestId(answer.GetRawResponse()));
        }

        var streamed = new List<string>();
        await foreach (var update in client.GetChatClient(Model).CompleteChatStreamingAsync([new UserChatMessage("echo: one two three")]))
        {
            streamed.AddRange(update.ContentUpdate.Select(p => p.Text));
        }

        Assert.Equal("one two three", string.Concat(streamed));
        var unknown = await Assert.ThrowsAsync<ClientResultException>(() =>
            client.GetChatClient(UnknownModel).CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, unknown.Status);
        requestIds.Add(RequestId(unknown.GetRawResponse()!));

        // A key policy does not know, and a deployment whose provider fails.
        const string wrongKey = "sk-aimesh-wrong-key-for-metrics-0123456789";
        var stranger = new OpenAIClient(new ApiKeyCredential(wrongKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(mesh.Ingress, "v1"),
            RetryPolicy = new ClientRetryPolicy(0),
            Transport = new HttpClientPipelineTransport(http),
        });
        var refused = await Assert.ThrowsAsync<ClientResultException>(() => stranger.GetChatClient(Model).CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(401, refused.Status);
        requestIds.Add(RequestId(refused.GetRawResponse()!));
        var broken = await Assert.ThrowsAsync<ClientResultException>(() => client.GetChatClient("broken-model").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(500, broken.Status);
        requestIds.Add(RequestId(broken.GetRawResponse()!));

        // Usage events are written after the answers (batched by the ingress): wait until the six admitted are stored.
        var after = await ScrapeUntilAsync(m => m.Sum("aimesh_metering_events_stored_total") >= storedBefore + whole + 3);

        const int ok = whole + 1;
        Assert.Equal(ok, after.Sum("aimesh_ingress_requests_total", OkChat) - before.Sum("aimesh_ingress_requests_total", OkChat));
        Assert.Equal(ok, after.Sum("aimesh_ingress_request_duration_seconds_count", OkChat) - before.Sum("aimesh_ingress_request_duration_seconds_count", OkChat));
        Assert.Equal("histogram", after.Types["aimesh_ingress_request_duration_seconds"]);
        Assert.Equal("counter", after.Types["aimesh_ingress_requests_total"]);
        (string, string)[] streamLabels = [("api", "chat.completions"), ("model", Model)];
        Assert.Equal(1, after.Sum("aimesh_ingress_time_to_first_token_seconds_count", streamLabels) - before.Sum("aimesh_ingress_time_to_first_token_seconds_count", streamLabels));
        Assert.True(after.Sum("aimesh_ingress_tokens_total", ("model", Model), ("type", "output")) > before.Sum("aimesh_ingress_tokens_total", ("model", Model), ("type", "output")));

        (string, string)[] other = [("api", "chat.completions"), ("model", "other"), ("outcome", "error"), ("status_class", "4xx")];
        Assert.Equal(1, after.Sum("aimesh_ingress_requests_total", other) - before.Sum("aimesh_ingress_requests_total", other));

        // Policy admitted six (the key may use every model; the router did not know one) and refused the stranger.
        (string, string)[] admitted = [("outcome", "admitted"), ("reason", "none")];
        Assert.True(after.Sum("aimesh_policy_decisions_total", admitted) - before.Sum("aimesh_policy_decisions_total", admitted) >= whole + 3);
        (string, string)[] invalid = [("outcome", "denied"), ("reason", "invalid_credential")];
        Assert.True(after.Sum("aimesh_policy_decisions_total", invalid) > before.Sum("aimesh_policy_decisions_total", invalid));
        (string, string)[] deniedRequest = [("api", "chat.completions"), ("model", Model), ("outcome", "error"), ("status_class", "4xx")];
        Assert.True(after.Sum("aimesh_ingress_requests_total", deniedRequest) > before.Sum("aimesh_ingress_requests_total", deniedRequest));
        (string, string)[] upstreamError = [("deployment", "broken-model-mock"), ("error_class", "upstream_status")];
        Assert.True(after.Sum("aimesh_router_errors_total", upstreamError) > before.Sum("aimesh_router_errors_total", upstreamError));
        Assert.True(after.Sum("aimesh_router_attempts_total", ("deployment", Model + "-mock"), ("outcome", "ok")) - before.Sum("aimesh_router_attempts_total", ("deployment", Model + "-mock"), ("outcome", "ok")) >= ok);
        Assert.True(after.Sum("aimesh_router_rejections_total", ("code", "model_not_found")) > before.Sum("aimesh_router_rejections_total", ("code", "model_not_found")));
        Assert.True(after.Sum("aimesh_metering_store_lag_seconds_count") - before.Sum("aimesh_metering_store_lag_seconds_count") >= whole + 3);
        Assert.True(after.Sum("aimesh_metering_insert_batch_size_count") > before.Sum("aimesh_metering_insert_batch_size_count"));

        // The framework's meters are there too: ASP.NET Core's requests, and HttpClient's calls to the provider. (MassTransit's
        // meter is made once per process by the first bus, which in this test process may belong to a host long stopped.)
        Assert.True(after.Contains("http_server_request_duration_seconds_count"));
        Assert.True(after.Contains("http_client_request_duration_seconds_count"));

        // No label carries a key, a key id, the client's address, a request id or a model name a client made up.
        var usage = await mesh.UsageAsync();
        var forbidden = new HashSet<string>(StringComparer.Ordinal)
        {
            TestEnvironment.ClientKey, MeshConfiguration.Sha256(TestEnvironment.ClientKey), "test-key", "test-app", ClientAddress, UnknownModel,
            wrongKey, MeshConfiguration.Sha256(wrongKey),
        };
        forbidden.UnionWith(requestIds);
        forbidden.UnionWith(usage.Select(u => u.RequestId.ToString()));
        forbidden.UnionWith(usage.Select(u => u.RequestId.ToString("N")));
        var leaked = after.Samples.SelectMany(s => s.Labels.Select(l => (s.Name, l.Key, l.Value))).Where(l => forbidden.Contains(l.Value)).ToList();
        Assert.Empty(leaked);
    }

    [Fact]
    public async Task The_scrape_is_Prometheus_text_0_0_4_that_a_strict_reader_accepts()
    {
        await mesh.Client().GetChatClient(Model).CompleteChatAsync([new UserChatMessage("echo: format")]);
        using var response = await mesh.Http.GetAsync(new Uri(mesh.Ingress, "metrics"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var text = PrometheusText.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(text.Types, t => t.Value == "histogram");
        Assert.All(text.Types.Where(t => t.Value == "counter"), t => Assert.EndsWith("_total", t.Key, StringComparison.Ordinal));

        // The LLM latency buckets reach minutes.
        Assert.Contains(text.Samples, s => s.Name == "aimesh_ingress_request_duration_seconds_bucket" && s.Labels["le"] == "600");
    }

    private async Task<PrometheusText> ScrapeAsync()
    {
        using var response = await mesh.Http.GetAsync(new Uri(mesh.Ingress, "metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<PrometheusText> ScrapeUntilAsync(Func<PrometheusText, bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var text = await ScrapeAsync();
            if (condition(text))
            {
                return text;
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    private static string RequestId(PipelineResponse response) =>
        response.Headers.TryGetValue("x-request-id", out var id) ? id! : throw new InvalidOperationException("no x-request-id");

    /// <summary>An HttpClient whose connections leave from <paramref name="address"/>.</summary>
    private static HttpClient ClientFrom(string address) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { Timeout = TimeSpan.FromSeconds(60) };
}
