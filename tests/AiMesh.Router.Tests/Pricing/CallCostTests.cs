using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Counting;
using AiMesh.Router.Pricing;
using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Router.Tests.Pricing;

/// <summary>
/// The cost the router puts on its answers, through the bus against the mock provider on a real socket: the chat
/// deployment serves <c>mock-gpt</c> (openai), priced by the shipped table at 1.00 input, 0.50 cached, 2.00 output
/// per million tokens; the embeddings deployment (provider <c>vllm</c>) has no price.
/// </summary>
public sealed class CallCostTests
{
    private const string Body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello there"}]}""";
    private const string StreamBody = """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hello there"}]}""";

    private static decimal MockGpt(TokenUsage usage) => ((usage.PromptTokens * 1.00m) + (usage.CompletionTokens * 2.00m)) / 1_000_000m;

    [Fact]
    public async Task A_whole_answer_costs_its_reported_tokens_at_the_table_prices()
    {
        await using var mesh = await RouterMesh.StartAsync("tokens=12");

        var (routed, _) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false));

        Assert.Equal(12, routed!.Usage!.CompletionTokens);
        Assert.Equal(new Cost(MockGpt(routed.Usage), "USD", "2026-11-23"), routed.Cost);
    }

    [Fact]
    public async Task A_completed_stream_costs_the_usage_the_provider_reported()
    {
        await using var mesh = await RouterMesh.StartAsync("tokens=6");

        var (routed, _) = await mesh.Router.RouteAsync(RouterHost.Chat(StreamBody, stream: true));

        Assert.False(routed!.Cost!.Estimated);
        Assert.Equal(MockGpt(routed.Usage!), routed.Cost.Amount);
    }

    [Fact]
    public async Task A_stream_without_usage_is_priced_from_the_tokenizer_and_marked_estimated()
    {
        await using var mesh = await RouterMesh.StartAsync("tokens=9;noUsage=1");
        var request = RouterHost.Chat(StreamBody, stream: true);

        var (routed, _) = await mesh.Router.RouteAsync(request);

        Assert.Null(routed!.Usage);
        var chunks = await mesh.Router.Chunks.WaitForAsync(request.RequestId, routed.ChunkCount);
        var text = string.Concat(chunks.Select(c => (string?)JsonNode.Parse(c.Data)!["choices"]![0]!["delta"]!["content"]));
        var input = TokenEstimator.Estimate(JsonNode.Parse(StreamBody)!.AsObject());
        var output = TokenEstimator.Count(text);
        Assert.True(output >= 9, $"the mock's nine words count {output} tokens");
        Assert.Equal(new Cost(((input * 1.00m) + (output * 2.00m)) / 1_000_000m, "USD", "2026-11-23", Estimated: true), routed.Cost);
    }

    [Fact]
    public async Task A_stream_cut_after_output_began_is_billed_as_an_estimate()
    {
        await using var mesh = await RouterMesh.StartAsync("tokens=10;cutAfter=3");

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(StreamBody, stream: true));

        Assert.Equal("truncated", failed!.Outcome);
        Assert.True(failed.Cost!.Estimated);
        Assert.True(failed.Cost.Amount > 0m);

        // Three words relayed: the output priced is what the client got, not the ten the mock would have sent.
        var input = TokenEstimator.Estimate(JsonNode.Parse(StreamBody)!.AsObject());
        Assert.True(failed.Cost.Amount < ((input * 1.00m) + (10 * 2.00m)) / 1_000_000m);
    }

    [Fact]
    public async Task An_error_status_before_any_output_costs_nothing_but_is_priced()
    {
        await using var mesh = await RouterMesh.StartAsync("status=500");

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false));

        Assert.Equal(new Cost(0m, "USD", "2026-11-23"), failed!.Cost);
    }

    [Fact]
    public async Task An_unreachable_provider_costs_nothing()
    {
        await using var mesh = await RouterMesh.StartAsync(configure: s => s["Router:Deployments:0:BaseUrl"] = "http://127.0.0.1:9/v1");

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false));

        Assert.Equal(502, failed!.Status);
        Assert.Equal(0m, failed.Cost!.Amount);
    }

    [Fact]
    public async Task A_deployment_price_block_overrides_the_table_member_by_member_and_names_its_version()
    {
        await using var mesh = await RouterMesh.StartAsync("tokens=5", s => s["Router:Deployments:0:Price:Output"] = "100");

        var (routed, _) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false));

        var usage = routed!.Usage!;
        Assert.Equal(new Cost(((usage.PromptTokens * 1.00m) + (usage.CompletionTokens * 100m)) / 1_000_000m, "USD", "2026-11-23+mock-chat"), routed.Cost);
    }

    [Fact]
    public async Task An_unpriced_model_answers_without_a_cost_is_counted_every_time_and_logged_once()
    {
        await using var mesh = await RouterMesh.StartAsync();

        // Only this host's meter (its factory is the meter's scope): other tests' routers count in parallel.
        var meters = mesh.Router.Services.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        long counted = 0;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Meter.Name == UnpricedModels.MeterName && instrument.Name == "aimesh.router.cost.unpriced")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref counted, value));
        listener.Start();
        var request = RouterHost.Chat("""{"model":"text-embedding-3-small","input":"x"}""", stream: false, model: "text-embedding-3-small") with { Api = "embeddings" };

        var (first, _) = await mesh.Router.RouteAsync(request);
        var (second, _) = await mesh.Router.RouteAsync(request with { RequestId = Guid.NewGuid() });

        Assert.Equal((200, 200), (first!.Status, second!.Status));
        Assert.Null(first.Cost);
        Assert.Null(second.Cost);
        Assert.Equal(2, Interlocked.Read(ref counted));
        Assert.Single(mesh.Router.Logs.Lines, l => l.Contains("[3010]", StringComparison.Ordinal) && l.Contains("mock-embeddings", StringComparison.Ordinal));
    }
}
