using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Text.Json;
using AiMesh.EndToEnd.Tests.Anthropic;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests.Pricing;

/// <summary>
/// What a request costs, end to end through the embedded mesh against the mock provider: the <c>x-aimesh-cost</c>
/// header an application reads with the official OpenAI SDK, the usage row, and the <c>UsageMetered</c> event
/// finance consumes, all the same amount. The mock's model is priced by the shipped table at 1.00 input and 2.00
/// output per million tokens; Claude Sonnet 4.5 at 3 input, 3.75 cache write, 0.30 cache read, 15 output.
/// </summary>
public sealed class CostTests(PricingMesh mesh) : IClassFixture<PricingMesh>
{
    private const string Version = "2026-11-23";

    [Fact]
    public async Task The_cost_header_is_the_reported_tokens_at_the_table_prices_and_the_row_and_the_event_carry_the_same()
    {
        ClientResult<ChatCompletion> result = await mesh.Client().GetChatClient("gpt-4o-mini")
            .CompleteChatAsync([new UserChatMessage("echo: what does this cost")]);

        var usage = result.Value.Usage;
        var expected = ((usage.InputTokenCount * 1.00m) + (usage.OutputTokenCount * 2.00m)) / 1_000_000m;
        var header = Header(result.GetRawResponse(), "x-aimesh-cost");
        Assert.Equal($"{Text(expected)} USD", header);

        var requestId = Guid.Parse(Header(result.GetRawResponse(), "x-request-id")!);
        var row = await WaitForUsageAsync(requestId);
        Assert.Equal((expected, "USD", Version, (bool?)false), (row.Cost, row.Currency, row.PriceTableVersion, row.CostEstimated));
        var metered = await WaitForMeteredAsync(requestId);
        Assert.Equal((expected, "USD", Version, (bool?)false), (metered.Cost, metered.Currency, metered.PriceTableVersion, metered.CostEstimated));
    }

    [Fact]
    public async Task The_anthropic_surface_carries_the_header_with_cache_writes_and_reads_priced_apart()
    {
        // The mock caches up to the block marked for caching: a first call writes it, a second reads it.
        var system = string.Join(' ', Enumerable.Repeat("policy", 40)) + " " + Guid.NewGuid().ToString("N");
        var body = $$$"""
            {"model":"claude-mock","max_tokens":64,"system":[{"type":"text","text":"{{{system}}}","cache_control":{"type":"ephemeral"}}],
             "messages":[{"role":"user","content":"echo: cached or not"}]}
            """;
        foreach (var call in new[] { "write", "read" })
        {
            using var response = await mesh.Http.SendAsync(AnthropicHttp.Post(mesh.Ingress, "v1/messages", body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("usage");
            var fresh = answer.GetProperty("input_tokens").GetInt32();
            var written = answer.TryGetProperty("cache_creation_input_tokens", out var w) ? w.GetInt32() : 0;
            var read = answer.TryGetProperty("cache_read_input_tokens", out var r) ? r.GetInt32() : 0;
            Assert.True(call == "write" ? written > 0 : read > 0, $"the {call} call {(call == "write" ? "wrote" : "read")} the cache");

            var expected = ((fresh * 3m) + (written * 3.75m) + (read * 0.30m) + (answer.GetProperty("output_tokens").GetInt32() * 15m)) / 1_000_000m;
            Assert.Equal($"{Text(expected)} USD", response.Headers.GetValues("x-aimesh-cost").Single());
        }
    }

    [Fact]
    public async Task A_stream_has_no_cost_header_and_a_cut_stream_is_metered_with_an_estimated_cost()
    {
        using var whole = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions",
            """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"echo: a b c"}]}"""));
        await Sse.ReadAllAsync(whole);
        Assert.False(whole.Headers.Contains("x-aimesh-cost"));
        var streamed = await WaitForUsageAsync(Guid.Parse(whole.Headers.GetValues("x-request-id").Single()));
        Assert.Equal(((streamed.PromptTokens * 1.00m) + (streamed.CompletionTokens * 2.00m)) / 1_000_000m, streamed.Cost);
        Assert.False(streamed.CostEstimated);

        using var cut = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions",
            """{"model":"cut-model","stream":true,"messages":[{"role":"user","content":"tell me more"}]}"""));
        await Sse.ReadAllAsync(cut);
        var requestId = Guid.Parse(cut.Headers.GetValues("x-request-id").Single());
        var row = await WaitForUsageAsync(requestId);

        Assert.Equal("truncated", row.Outcome);
        Assert.True(row.Cost > 0m, $"a cut stream the provider bills costs more than 0, not {row.Cost}");
        Assert.Equal((true, "USD", Version), (row.CostEstimated, row.Currency, row.PriceTableVersion));
        var metered = await WaitForMeteredAsync(requestId);
        Assert.Equal((row.Cost, (bool?)true), (metered.Cost, metered.CostEstimated));
    }

    [Fact]
    public async Task A_deployment_price_block_changes_the_cost_and_names_its_version()
    {
        ClientResult<ChatCompletion> result = await mesh.Client().GetChatClient("discount-model")
            .CompleteChatAsync([new UserChatMessage("echo: negotiated rate")]);

        var usage = result.Value.Usage;
        var expected = ((usage.InputTokenCount * 0.5m) + (usage.OutputTokenCount * 0.25m)) / 1_000_000m;
        Assert.Equal($"{Text(expected)} USD", Header(result.GetRawResponse(), "x-aimesh-cost"));
        var row = await WaitForUsageAsync(Guid.Parse(Header(result.GetRawResponse(), "x-request-id")!));
        Assert.Equal((expected, $"{Version}+discount-model"), (row.Cost, row.PriceTableVersion));
    }

    [Fact]
    public async Task An_unpriced_model_answers_200_without_a_header_and_is_metered_without_a_cost()
    {
        ClientResult<ChatCompletion> result = await mesh.Client().GetChatClient("unlisted-model")
            .CompleteChatAsync([new UserChatMessage("echo: free?")]);

        Assert.Equal(200, result.GetRawResponse().Status);
        Assert.Null(Header(result.GetRawResponse(), "x-aimesh-cost"));
        var requestId = Guid.Parse(Header(result.GetRawResponse(), "x-request-id")!);
        var row = await WaitForUsageAsync(requestId);
        Assert.Equal(("ok", (decimal?)null, (string?)null, (string?)null), (row.Outcome, row.Cost, row.Currency, row.PriceTableVersion));
        var metered = await WaitForMeteredAsync(requestId);
        Assert.Equal(((decimal?)null, (string?)null, (string?)null), (metered.Cost, metered.Currency, metered.PriceTableVersion));
    }

    [Fact]
    public async Task A_provider_error_before_any_output_costs_zero()
    {
        using var response = await mesh.Http.SendAsync(Sse.Post(mesh.Ingress, "v1/chat/completions",
            """{"model":"broken-model","messages":[{"role":"user","content":"x"}]}"""));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("0 USD", response.Headers.GetValues("x-aimesh-cost").Single());
        var row = await WaitForUsageAsync(Guid.Parse(response.Headers.GetValues("x-request-id").Single()));
        Assert.Equal(0m, row.Cost);
    }

    internal static string Text(decimal amount) => amount.ToString("0.############################", CultureInfo.InvariantCulture);

    internal static string? Header(System.ClientModel.Primitives.PipelineResponse response, string name) =>
        response.Headers.TryGetValue(name, out var value) ? value : null;

    private async Task<UsageRow> WaitForUsageAsync(Guid requestId)
    {
        for (var i = 0; i < 200; i++)
        {
            if ((await mesh.UsageAsync()).FirstOrDefault(u => u.RequestId == requestId) is { } row)
            {
                return row;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"no usage row for {requestId}");
    }

    private async Task<AiMesh.Contracts.Integration.UsageMetered> WaitForMeteredAsync(Guid requestId)
    {
        for (var i = 0; i < 200; i++)
        {
            if (mesh.Metered.FirstOrDefault(m => m.RequestId == requestId) is { } metered)
            {
                return metered;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"no UsageMetered for {requestId}");
    }
}
