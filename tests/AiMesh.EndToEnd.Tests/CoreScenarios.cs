using System.ClientModel;
using System.Net;
using System.Text.Json;
using AiMesh.EndToEnd.Tests.Infrastructure;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace AiMesh.EndToEnd.Tests;

/// <summary>
/// What an application sees through the official OpenAI SDK, and what the provider sees behind the mesh. The same
/// scenarios run on both transports (see <see cref="EmbeddedCoreTests"/> and <see cref="DistributedCoreTests"/>).
/// </summary>
public abstract class CoreScenarios<TMesh>(TMesh mesh) : IClassFixture<TMesh>
    where TMesh : MeshFixture
{
    protected TMesh Mesh { get; } = mesh;

    [Fact]
    public async Task Chat_completion_through_the_sdk_reaches_the_provider_with_the_routers_key_only()
    {
        var marker = Guid.NewGuid().ToString("N");
        ChatCompletion completion = await Mesh.Client().GetChatClient("gpt-4o-mini")
            .CompleteChatAsync([new UserChatMessage($"echo: hello {marker}")]);

        Assert.Equal($"hello {marker}", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.OutputTokenCount > 0);

        var seen = await Mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Equal("/v1/chat/completions", seen.Path);
        Assert.Equal("mock-gpt", JsonDocument.Parse(seen.Body).RootElement.GetProperty("model").GetString());
        Assert.Equal($"Bearer {TestEnvironment.ProviderKey}", seen.Headers["authorization"]);
        Assert.Equal("gpt-4o-mini", seen.Headers["x-deployment"]);
        Assert.DoesNotContain(seen.Headers, h => h.Value.Contains(TestEnvironment.ClientKey, StringComparison.Ordinal));
        Assert.DoesNotContain(TestEnvironment.ClientKey, seen.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streamed_chat_arrives_in_order_with_finish_reason_and_usage()
    {
        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        var updates = 0;
        await foreach (var update in Mesh.Client().GetChatClient("gpt-4o-mini")
            .CompleteChatStreamingAsync([new UserChatMessage("echo: one two three four five")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("one two three four five", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.True(updates >= 6, $"expected one update per token, got {updates}");
        Assert.NotNull(usage);
        Assert.Equal(5, usage.OutputTokenCount);
    }

    [Fact]
    public async Task Stream_ends_with_done_only_when_the_provider_finished()
    {
        using var response = await Mesh.Http.SendAsync(
            Sse.Post(Mesh.Ingress, "v1/chat/completions", """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"echo: a b"}]}"""),
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        var events = await Sse.ReadAllAsync(response);
        Assert.Equal("[DONE]", events[^1]);
        Assert.Single(events, e => e == "[DONE]");

        // The client did not ask for usage, so the usage-only chunk the router asked the provider for is not shown.
        Assert.DoesNotContain(events, e => e.Contains("\"choices\":[]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cut_provider_stream_ends_in_an_error_event_never_a_finish()
    {
        using var response = await Mesh.Http.SendAsync(
            Sse.Post(Mesh.Ingress, "v1/chat/completions", """{"model":"cut-model","stream":true,"messages":[{"role":"user","content":"tell me more"}]}"""),
            HttpCompletionOption.ResponseHeadersRead);
        var events = await Sse.ReadAllAsync(response);

        Assert.DoesNotContain("[DONE]", events);
        Assert.DoesNotContain(events, e => e.Contains("\"finish_reason\":\"", StringComparison.Ordinal));
        var error = JsonDocument.Parse(events[^1]).RootElement.GetProperty("error");
        Assert.Equal("upstream_stream_truncated", error.GetProperty("code").GetString());
        Assert.True(events.Count >= 4, "the chunks sent before the cut reach the client");
    }

    [Fact]
    public async Task Stalled_provider_stream_ends_in_an_error_event()
    {
        using var response = await Mesh.Http.SendAsync(
            Sse.Post(Mesh.Ingress, "v1/chat/completions", """{"model":"stall-model","stream":true,"messages":[{"role":"user","content":"hi"}]}"""),
            HttpCompletionOption.ResponseHeadersRead);
        var events = await Sse.ReadAllAsync(response);

        Assert.DoesNotContain("[DONE]", events);
        Assert.Equal("upstream_stream_stalled", JsonDocument.Parse(events[^1]).RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Client_that_disconnects_cancels_the_provider_call()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var cancel = new CancellationTokenSource();
        using var response = await Mesh.Http.SendAsync(
            Sse.Post(Mesh.Ingress, "v1/chat/completions", $$"""{"model":"slow-model","stream":true,"messages":[{"role":"user","content":"{{marker}}"}]}"""),
            HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        await using (var stream = await response.Content.ReadAsStreamAsync(cancel.Token))
        {
            using var reader = new StreamReader(stream);
            Assert.StartsWith("data: ", await reader.ReadLineAsync(cancel.Token), StringComparison.Ordinal);
            await cancel.CancelAsync();
        }

        var seen = await Mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.True(seen.Cancelled, "the provider saw its caller go away");
        Assert.False(seen.Completed);
    }

    [Fact]
    public async Task Tool_calls_come_back_through_the_sdk()
    {
        var options = new ChatCompletionOptions { ToolChoice = ChatToolChoice.CreateRequiredChoice() };
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather for a city",
            BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}""")));

        ChatCompletion completion = await Mesh.Client().GetChatClient("gpt-4o-mini")
            .CompleteChatAsync([new UserChatMessage("weather in Paris?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.True(JsonDocument.Parse(call.FunctionArguments.ToString()).RootElement.GetProperty("mock").GetBoolean());
    }

    // model, the path the mock must have been called on
    [Theory]
    [InlineData("claude-mock", "/v1/messages")]
    [InlineData("gemini-mock", "/v1beta/models/gemini-2.5-flash:")]
    [InlineData("bedrock-mock", "/model/anthropic.claude-3-haiku-20240307-v1:0/converse")]
    public async Task The_openai_sdk_reaches_a_native_provider_whole_streamed_and_with_tools(string model, string path)
    {
        var client = Mesh.Client().GetChatClient(model);
        var marker = Guid.NewGuid().ToString("N");

        ChatCompletion whole = await client.CompleteChatAsync([new UserChatMessage($"echo: hello {marker}")]);
        Assert.Equal(ChatFinishReason.Stop, whole.FinishReason);
        Assert.Contains(marker, whole.Content[0].Text, StringComparison.Ordinal);
        Assert.True(whole.Usage.OutputTokenCount > 0);
        var seen = await Mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.StartsWith(path, seen.Path, StringComparison.Ordinal);
        Assert.DoesNotContain(seen.Headers, h => h.Value.Contains(TestEnvironment.ClientKey, StringComparison.Ordinal));

        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("echo: one two three four five")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Contains("one two three four five", text.ToString(), StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);

        var options = new ChatCompletionOptions { ToolChoice = ChatToolChoice.CreateRequiredChoice() };
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather for a city",
            BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}""")));
        ChatCompletion tools = await client.CompleteChatAsync([new UserChatMessage("weather in Paris?")], options);
        Assert.Equal(ChatFinishReason.ToolCalls, tools.FinishReason);
        var call = Assert.Single(tools.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(call.FunctionArguments.ToString()).RootElement.ValueKind);
    }

    [Fact]
    public async Task Embeddings_through_the_sdk()
    {
        OpenAIEmbedding embedding = await Mesh.Client().GetEmbeddingClient("text-embedding-3-small").GenerateEmbeddingAsync("hello world");
        Assert.Equal(8, embedding.ToFloats().Length);
        Assert.Contains(embedding.ToFloats().ToArray(), f => f != 0);
    }

    [Fact]
    public async Task Models_list_shows_only_what_the_key_may_use()
    {
        var all = (await Mesh.Client().GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToArray();
        Assert.Contains("gpt-4o-mini", all);
        Assert.Contains("text-embedding-3-small", all);

        var limited = (await Mesh.Client(TestEnvironment.LimitedClientKey).GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToArray();
        Assert.Equal(["gpt-4o-mini"], limited);

        var one = await Mesh.Client().GetOpenAIModelClient().GetModelAsync("gpt-4o-mini");
        Assert.Equal("gpt-4o-mini", one.Value.Id);
        var hidden = await Assert.ThrowsAsync<ClientResultException>(() => Mesh.Client(TestEnvironment.LimitedClientKey).GetOpenAIModelClient().GetModelAsync("cut-model"));
        Assert.Equal(404, hidden.Status);
    }

    [Fact]
    public async Task Sdk_sees_401_404_429_and_5xx_as_errors_with_openai_bodies()
    {
        var badKey = await Assert.ThrowsAsync<ClientResultException>(() =>
            Mesh.Client("sk-wrong").GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(401, badKey.Status);
        Assert.Contains("invalid_api_key", badKey.Message, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<ClientResultException>(() =>
            Mesh.Client().GetChatClient("no-such-model").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, unknown.Status);
        Assert.Contains("model_not_found", unknown.Message, StringComparison.Ordinal);

        var notAllowed = await Assert.ThrowsAsync<ClientResultException>(() =>
            Mesh.Client(TestEnvironment.LimitedClientKey).GetChatClient("broken-model").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(404, notAllowed.Status);

        var limited = await Assert.ThrowsAsync<ClientResultException>(() =>
            Mesh.Client().GetChatClient("limited-model").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(429, limited.Status);
        Assert.Equal("7", limited.GetRawResponse()!.Headers.TryGetValue("retry-after", out var retryAfter) ? retryAfter : null);

        var broken = await Assert.ThrowsAsync<ClientResultException>(() =>
            Mesh.Client().GetChatClient("broken-model").CompleteChatAsync([new UserChatMessage("hi")]));
        Assert.Equal(500, broken.Status);
        Assert.DoesNotContain(TestEnvironment.ProviderKey, broken.GetRawResponse()!.Content.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_fields_pass_through_untouched_and_request_id_is_echoed()
    {
        var marker = Guid.NewGuid().ToString("N");
        var request = Sse.Post(Mesh.Ingress, "v1/chat/completions",
            $$$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{{marker}}}"}],"x_vendor_flag":{"deep":[1,2,3]},"seed":7,"user":"u-1","metadata":{"team":"blue"}}""");
        request.Headers.Add("x-request-id", "client-req-42");
        using var response = await Mesh.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("client-req-42", response.Headers.GetValues("x-request-id").Single());
        var seen = await Mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var body = JsonDocument.Parse(seen.Body).RootElement;
        Assert.Equal("""{"deep":[1,2,3]}""", body.GetProperty("x_vendor_flag").GetRawText());
        Assert.Equal(7, body.GetProperty("seed").GetInt32());
        Assert.Equal("blue", body.GetProperty("metadata").GetProperty("team").GetString());
    }

    [Fact]
    public async Task One_trace_runs_from_the_client_through_the_bus_to_the_provider()
    {
        var marker = Guid.NewGuid().ToString("N");
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        var request = Sse.Post(Mesh.Ingress, "v1/chat/completions", $$"""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"{{marker}}"}]}""");
        request.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await Mesh.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The provider call carries the client's trace: ingress → saga → policy → router over the bus, then HTTP.
        var seen = await Mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.True(seen.Headers.TryGetValue("traceparent", out var upstream), "the provider call carries a traceparent");
        Assert.Equal(traceId, upstream.Split('-')[1]);
    }

    [Fact]
    public async Task Named_prompt_is_rendered_before_routing_and_metered_with_its_version()
    {
        var marker = Guid.NewGuid().ToString("N");
        using var response = await Mesh.Http.SendAsync(Sse.Post(Mesh.Ingress, "v1/chat/completions",
            $$$"""{"model":"gpt-4o-mini","prompt":{"id":"greeter","variables":{"name":"{{{marker}}}"}},"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var requestId = Guid.Parse(response.Headers.GetValues("x-request-id").Single());

        var seen = await Mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var messages = JsonDocument.Parse(seen.Body).RootElement.GetProperty("messages");
        Assert.Equal($"Greet {marker} warmly.", messages[0].GetProperty("content").GetString());
        Assert.Equal("hi", messages[1].GetProperty("content").GetString());
        Assert.False(JsonDocument.Parse(seen.Body).RootElement.TryGetProperty("prompt", out _));

        var usage = await WaitForUsageAsync(requestId);
        Assert.Equal("greeter", usage.PromptId);

        using var missing = await Mesh.Http.SendAsync(Sse.Post(Mesh.Ingress, "v1/chat/completions",
            """{"model":"gpt-4o-mini","prompt":{"id":"greeter","variables":{}}}"""));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("prompt.variables.name", JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Every_admitted_request_is_metered_exactly_once()
    {
        var ids = new List<Guid>();
        foreach (var (model, stream) in new[] { ("gpt-4o-mini", false), ("gpt-4o-mini", true), ("cut-model", true), ("broken-model", false) })
        {
            using var response = await Mesh.Http.SendAsync(Sse.Post(Mesh.Ingress, "v1/chat/completions",
                $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"echo: x y z"}]}"""));
            await response.Content.ReadAsStringAsync();
            ids.Add(Guid.Parse(response.Headers.GetValues("x-request-id").Single()));
        }

        using (var denied = await Mesh.Http.SendAsync(Sse.Post(Mesh.Ingress, "v1/chat/completions",
            """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}]}""", key: "sk-nobody")))
        {
            var deniedId = Guid.Parse(denied.Headers.GetValues("x-request-id").Single());
            var ok = await WaitForUsageAsync(ids[0]);
            Assert.Equal(("ok", 200, "gpt-4o-mini", 3, "test-app"), (ok.Outcome, ok.Status, ok.ModelRequested, ok.CompletionTokens, ok.PrincipalId));
            Assert.Equal("gpt-4o-mini-mock", ok.Deployment);
            Assert.Equal("ok", (await WaitForUsageAsync(ids[1])).Outcome);
            Assert.Equal(3, (await WaitForUsageAsync(ids[1])).CompletionTokens);
            Assert.Equal("truncated", (await WaitForUsageAsync(ids[2])).Outcome);
            Assert.Equal(("error", 500), ((await WaitForUsageAsync(ids[3])).Outcome, (await WaitForUsageAsync(ids[3])).Status));

            // Each priced by the router and carried over this transport unchanged: the mock's model at 1.00 input and
            // 2.00 output per million tokens; the cut stream estimated; the provider's 500 free.
            Assert.Equal((((ok.PromptTokens * 1.00m) + (ok.CompletionTokens * 2.00m)) / 1_000_000m, "USD", "2026-11-23", (bool?)false),
                (ok.Cost, ok.Currency, ok.PriceTableVersion, ok.CostEstimated));
            var cut = await WaitForUsageAsync(ids[2]);
            Assert.True(cut.Cost > 0m && cut.CostEstimated == true, $"the cut stream costs {cut.Cost}, estimated {cut.CostEstimated}");
            Assert.Equal(0m, (await WaitForUsageAsync(ids[3])).Cost);

            // A request policy refused was never admitted: nothing to meter.
            Assert.DoesNotContain(await Mesh.UsageAsync(), u => u.RequestId == deniedId);
        }

        var all = await Mesh.UsageAsync();
        Assert.All(ids, id => Assert.Single(all, u => u.RequestId == id));
    }

    protected async Task<UsageRow> WaitForUsageAsync(Guid requestId)
    {
        for (var i = 0; i < 200; i++)
        {
            if ((await Mesh.UsageAsync()).FirstOrDefault(u => u.RequestId == requestId) is { } row)
            {
                return row;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"No usage record for request {requestId}.");
    }
}
