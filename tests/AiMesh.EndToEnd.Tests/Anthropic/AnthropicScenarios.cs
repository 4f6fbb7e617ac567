using System.Net;
using System.Text.Json;
using AiMesh.EndToEnd.Tests.Infrastructure;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;

namespace AiMesh.EndToEnd.Tests.Anthropic;

/// <summary>
/// What an application sees through the official Anthropic SDK at <c>/v1/messages</c>, and what the provider behind the
/// mesh received: an OpenAI-compatible deployment (<c>gpt-4o-mini</c>) and an Anthropic one (<c>claude-mock</c>).
/// </summary>
public abstract class AnthropicScenarios<TMesh>(TMesh mesh) : IClassFixture<TMesh>
    where TMesh : MeshFixture
{
    protected TMesh Mesh { get; } = mesh;

    // model, the path the mock must have been called on
    [Theory]
    [InlineData("gpt-4o-mini", "/v1/chat/completions")]
    [InlineData("claude-mock", "/v1/messages")]
    public async Task A_whole_message_through_the_sdk_reaches_the_provider_translated(string model, string path)
    {
        var marker = Guid.NewGuid().ToString("N");
        var message = await AnthropicSdk.Client(Mesh.Ingress).Messages.Create(new MessageCreateParams
        {
            Model = model,
            MaxTokens = 200,
            System = "Be brief.",
            StopSequences = ["never-said"],
            Metadata = new Metadata { UserID = "user-7" },
            Messages = [new UserMessageParam($"echo: hello {marker}")],
        });

        Assert.StartsWith("msg_", message.ID, StringComparison.Ordinal);
        Assert.Equal(model, message.Model.Raw());
        Assert.Equal("end_turn", message.StopReason!.Raw());
        Assert.True(Assert.Single(message.Content).TryPickText(out var text));
        Assert.Equal($"hello {marker}", text!.Text);
        Assert.True(message.Usage.OutputTokens > 0);
        Assert.True(message.Usage.InputTokens > 0);

        var seen = await Mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.Equal(path, seen.Path);
        Assert.DoesNotContain(seen.Headers, h => h.Value.Contains(TestEnvironment.ClientKey, StringComparison.Ordinal));
        var body = JsonDocument.Parse(seen.Body).RootElement;
        Assert.Equal(200, body.GetProperty("max_tokens").GetInt32());
        if (model == "claude-mock")
        {
            Assert.Equal("Be brief.", body.GetProperty("system").GetString());
            Assert.Equal("never-said", body.GetProperty("stop_sequences")[0].GetString());
            Assert.Equal("user-7", body.GetProperty("metadata").GetProperty("user_id").GetString());
            Assert.Equal($"echo: hello {marker}", body.GetProperty("messages")[0].GetProperty("content").GetString());
        }
        else
        {
            var messages = body.GetProperty("messages");
            Assert.Equal(("system", "Be brief."), (messages[0].GetProperty("role").GetString(), messages[0].GetProperty("content").GetString()));
            Assert.Equal(("user", $"echo: hello {marker}"), (messages[1].GetProperty("role").GetString(), messages[1].GetProperty("content").GetString()));
            Assert.Equal("never-said", body.GetProperty("stop")[0].GetString());
            Assert.Equal("user-7", body.GetProperty("user").GetString());
        }
    }

    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("claude-mock")]
    public async Task A_streamed_message_arrives_as_anthropics_event_sequence(string model)
    {
        var streamed = await AnthropicSdk.ReadAsync(AnthropicSdk.Client(Mesh.Ingress).Messages.CreateStreaming(new MessageCreateParams
        {
            Model = model,
            MaxTokens = 200,
            Messages = [new UserMessageParam("echo: one two three four five")],
        }));

        Assert.Equal("message_start", streamed.Names[0]);
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], streamed.Names[^3..]);
        Assert.Equal(model, streamed.Model);
        Assert.StartsWith("msg_", streamed.Id, StringComparison.Ordinal);
        var block = Assert.Single(streamed.Blocks);
        Assert.Equal(("text", "one two three four five"), (block.Type, block.Text.ToString()));
        Assert.True(streamed.Names.Count(n => n == "content_block_delta") >= 5, "one delta per token");
        Assert.Equal("end_turn", streamed.StopReason);
        Assert.Equal(5, streamed.OutputTokens);
        Assert.True(streamed.InputTokens > 0);
    }

    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("claude-mock")]
    public async Task A_tool_call_and_the_second_turn_with_its_result(string model)
    {
        var client = AnthropicSdk.Client(Mesh.Ingress);
        var first = await client.Messages.Create(new MessageCreateParams
        {
            Model = model,
            MaxTokens = 200,
            Tools = [AnthropicSdk.WeatherTool()],
            ToolChoice = new ToolChoiceAny(),
            Messages = [new UserMessageParam("weather in Paris?")],
        });

        Assert.Equal("tool_use", first.StopReason!.Raw());
        var call = first.Content.Select(c => c.TryPickToolUse(out var use) ? use : null).OfType<ToolUseBlock>().Single();
        Assert.Equal("get_weather", call.Name);
        Assert.True(call.Input["mock"].GetBoolean());

        var marker = Guid.NewGuid().ToString("N");
        var second = await client.Messages.Create(new MessageCreateParams
        {
            Model = model,
            MaxTokens = 200,
            Tools = [AnthropicSdk.WeatherTool()],
            Messages =
            [
                new UserMessageParam("weather in Paris?"),
                new AssistantMessageParam(new List<ContentBlockParam> { new ToolUseBlockParam { ID = call.ID, Name = call.Name, Input = call.Input } }),
                new UserMessageParam(new List<ContentBlockParam>
                {
                    new ToolResultBlockParam(call.ID) { Content = $"18 degrees {marker}" },
                    new TextBlockParam("echo: thanks"),
                }),
            ],
        });

        Assert.Equal("end_turn", second.StopReason!.Raw());
        Assert.True(Assert.Single(second.Content).TryPickText(out var text));
        Assert.Equal("thanks", text!.Text);

        var seen = await Mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        var messages = JsonDocument.Parse(seen.Body).RootElement.GetProperty("messages");
        if (model == "claude-mock")
        {
            var use = messages[1].GetProperty("content")[0];
            Assert.Equal(("tool_use", call.ID, """{"mock":true}"""), (use.GetProperty("type").GetString(), use.GetProperty("id").GetString(), use.GetProperty("input").GetRawText()));
            var result = messages[2].GetProperty("content")[0];
            Assert.Equal(("tool_result", call.ID, $"18 degrees {marker}"),
                (result.GetProperty("type").GetString(), result.GetProperty("tool_use_id").GetString(), result.GetProperty("content").GetString()));
            Assert.Equal("echo: thanks", messages[2].GetProperty("content")[1].GetProperty("text").GetString());
        }
        else
        {
            var toolCall = messages[1].GetProperty("tool_calls")[0];
            Assert.Equal((call.ID, "get_weather"), (toolCall.GetProperty("id").GetString(), toolCall.GetProperty("function").GetProperty("name").GetString()));
            Assert.Equal(("tool", call.ID, $"18 degrees {marker}"),
                (messages[2].GetProperty("role").GetString(), messages[2].GetProperty("tool_call_id").GetString(), messages[2].GetProperty("content").GetString()));
            Assert.Equal(("user", "echo: thanks"), (messages[3].GetProperty("role").GetString(), messages[3].GetProperty("content").GetString()));
        }
    }

    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("claude-mock")]
    public async Task A_streamed_tool_call_arrives_as_input_json_deltas(string model)
    {
        var streamed = await AnthropicSdk.ReadAsync(AnthropicSdk.Client(Mesh.Ingress).Messages.CreateStreaming(new MessageCreateParams
        {
            Model = model,
            MaxTokens = 200,
            Tools = [AnthropicSdk.WeatherTool()],
            ToolChoice = new ToolChoiceTool { Name = "get_weather" },
            Messages = [new UserMessageParam("weather in Paris?")],
        }));

        var tool = Assert.Single(streamed.Blocks, b => b.Type == "tool_use");
        Assert.Equal("get_weather", streamed.ToolName);
        Assert.False(string.IsNullOrEmpty(streamed.ToolId));
        Assert.True(JsonDocument.Parse(tool.Text.ToString()).RootElement.GetProperty("mock").GetBoolean());
        Assert.Equal("tool_use", streamed.StopReason);
        Assert.Equal("message_stop", streamed.Names[^1]);
    }

    [Fact]
    public async Task Thinking_with_its_signature_comes_back_whole_and_streamed_and_goes_back_to_the_provider()
    {
        var client = AnthropicSdk.Client(Mesh.Ingress);
        var request = new MessageCreateParams
        {
            Model = "claude-mock",
            MaxTokens = 2048,
            Thinking = new ThinkingConfigEnabled(1024),
            Messages = [new UserMessageParam("echo: ok")],
        };

        var whole = await client.Messages.Create(request);
        Assert.True(whole.Content[0].TryPickThinking(out var thinking));
        Assert.StartsWith("mock-sig-", thinking!.Signature, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(thinking.Thinking));
        Assert.True(whole.Content[1].TryPickText(out var text));
        Assert.Equal("ok", text!.Text);

        var streamed = await AnthropicSdk.ReadAsync(client.Messages.CreateStreaming(request));
        Assert.Equal(["thinking", "text"], streamed.Blocks.Select(b => b.Type));
        Assert.Equal(thinking.Thinking, streamed.Blocks[0].Text.ToString());
        Assert.Equal(thinking.Signature, streamed.Signature);

        var marker = Guid.NewGuid().ToString("N");
        await client.Messages.Create(new MessageCreateParams
        {
            Model = "claude-mock",
            MaxTokens = 2048,
            Thinking = new ThinkingConfigEnabled(1024),
            Messages =
            [
                new UserMessageParam("echo: ok"),
                new AssistantMessageParam(new List<ContentBlockParam>
                {
                    new ThinkingBlockParam { Thinking = thinking.Thinking, Signature = thinking.Signature },
                    new TextBlockParam("ok"),
                }),
                new UserMessageParam($"echo: {marker}"),
            ],
        });
        var seen = await Mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        var sent = JsonDocument.Parse(seen.Body).RootElement.GetProperty("messages")[1].GetProperty("content")[0];
        Assert.Equal(("thinking", thinking.Signature), (sent.GetProperty("type").GetString(), sent.GetProperty("signature").GetString()));
        Assert.Equal(1024, JsonDocument.Parse(seen.Body).RootElement.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
    }

    [Fact]
    public async Task The_sdk_sees_401_404_and_429_as_its_typed_exceptions()
    {
        var request = new MessageCreateParams { Model = "gpt-4o-mini", MaxTokens = 10, Messages = [new UserMessageParam("hi")] };
        var badKey = await Assert.ThrowsAsync<AnthropicUnauthorizedException>(() => AnthropicSdk.Client(Mesh.Ingress, "sk-wrong").Messages.Create(request));
        Assert.Equal(HttpStatusCode.Unauthorized, badKey.StatusCode);

        var unknown = await Assert.ThrowsAsync<AnthropicNotFoundException>(() =>
            AnthropicSdk.Client(Mesh.Ingress).Messages.Create(request with { Model = "no-such-model" }));
        Assert.Contains("no-such-model", unknown.ResponseBody, StringComparison.Ordinal);

        var hidden = await Assert.ThrowsAsync<AnthropicNotFoundException>(() =>
            AnthropicSdk.Client(Mesh.Ingress, TestEnvironment.LimitedClientKey).Messages.Create(request with { Model = "claude-mock" }));
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);

        var limited = await Assert.ThrowsAsync<AnthropicRateLimitException>(() =>
            AnthropicSdk.Client(Mesh.Ingress).Messages.Create(request with { Model = "limited-model" }));
        Assert.Equal("rate_limit_error", JsonDocument.Parse(limited.ResponseBody).RootElement.GetProperty("error").GetProperty("type").GetString());

        using var raw = await Mesh.Http.SendAsync(AnthropicHttp.Post(Mesh.Ingress, "v1/messages",
            """{"model":"limited-model","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.TooManyRequests, raw.StatusCode);
        Assert.Equal("7", raw.Headers.GetValues("retry-after").Single());
        var error = JsonDocument.Parse(await raw.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(raw.Headers.GetValues("request-id").Single(), error.GetProperty("request_id").GetString());
    }

    [Theory]
    [InlineData("cut-model")]
    [InlineData("claude-cut-mock")]
    public async Task A_cut_stream_is_an_error_in_the_sdk_never_a_completed_message(string model)
    {
        var names = new List<string>();
        var failure = await Assert.ThrowsAnyAsync<AnthropicException>(async () =>
        {
            await foreach (var item in AnthropicSdk.Client(Mesh.Ingress).Messages.CreateStreaming(new MessageCreateParams
            {
                Model = model,
                MaxTokens = 200,
                Messages = [new UserMessageParam("tell me more")],
            }))
            {
                names.Add(item.Type.Raw());
            }
        });

        Assert.IsType<AnthropicSseException>(failure);
        Assert.Equal("message_start", names[0]);
        Assert.Contains("content_block_delta", names);
        Assert.DoesNotContain("message_delta", names);
        Assert.DoesNotContain("message_stop", names);
    }

    [Fact]
    public async Task The_exact_event_stream_on_the_wire()
    {
        using var response = await Mesh.Http.SendAsync(AnthropicHttp.Post(Mesh.Ingress, "v1/messages",
            """{"model":"claude-mock","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"echo: a b"}]}"""),
            HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        var events = await AnthropicHttp.ReadEventsAsync(response);
        var names = events.Select(e => e.Name).Where(n => n != "ping").ToArray();
        Assert.Equal(
            ["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            names);
        Assert.All(events, e => Assert.Equal(e.Name, JsonDocument.Parse(e.Data).RootElement.GetProperty("type").GetString()));
        var deltas = events.Where(e => e.Name == "content_block_delta").Select(e => JsonDocument.Parse(e.Data).RootElement).ToArray();
        Assert.Equal("a b", string.Concat(deltas.Select(d => d.GetProperty("delta").GetProperty("text").GetString())));
        Assert.All(deltas, d => Assert.Equal(0, d.GetProperty("index").GetInt32()));
        Assert.Equal("""{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""", events[1].Data);
        Assert.Equal("""{"type":"content_block_stop","index":0}""", events.First(e => e.Name == "content_block_stop").Data);
        Assert.Equal("""{"type":"message_stop"}""", events[^1].Data);
        var delta = JsonDocument.Parse(events.Single(e => e.Name == "message_delta").Data).RootElement;
        Assert.Equal("end_turn", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(2, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task A_cut_stream_on_the_wire_ends_in_one_error_event()
    {
        using var response = await Mesh.Http.SendAsync(AnthropicHttp.Post(Mesh.Ingress, "v1/messages",
            """{"model":"claude-cut-mock","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"tell me more"}]}"""),
            HttpCompletionOption.ResponseHeadersRead);
        var events = await AnthropicHttp.ReadEventsAsync(response);

        Assert.Equal("error", events[^1].Name);
        Assert.Single(events, e => e.Name == "error");
        Assert.DoesNotContain(events, e => e.Name is "message_delta" or "message_stop");
        var error = JsonDocument.Parse(events[^1].Data).RootElement;
        Assert.Equal(("error", "api_error"), (error.GetProperty("type").GetString(), error.GetProperty("error").GetProperty("type").GetString()));
        Assert.Equal(3, events.Count(e => e.Name == "content_block_delta"));
    }

    [Fact]
    public async Task The_key_counts_the_same_in_either_header_and_two_different_keys_are_refused()
    {
        var request = new MessageCreateParams { Model = "gpt-4o-mini", MaxTokens = 10, Messages = [new UserMessageParam("echo: bearer")] };
        var viaBearer = await AnthropicSdk.Client(Mesh.Ingress, bearer: true).Messages.Create(request);
        Assert.Equal("end_turn", viaBearer.StopReason!.Raw());
        await Assert.ThrowsAsync<AnthropicUnauthorizedException>(() => AnthropicSdk.Client(Mesh.Ingress, "sk-wrong", bearer: true).Messages.Create(request));

        var both = AnthropicHttp.Post(Mesh.Ingress, "v1/messages", """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""");
        both.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestEnvironment.LimitedClientKey);
        using var conflicting = await Mesh.Http.SendAsync(both);
        Assert.Equal(HttpStatusCode.Unauthorized, conflicting.StatusCode);
        var error = JsonDocument.Parse(await conflicting.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("authentication_error", error.GetProperty("type").GetString());
        Assert.Contains("different API keys", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        var same = AnthropicHttp.Post(Mesh.Ingress, "v1/messages", """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""");
        same.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestEnvironment.ClientKey);
        using var agreeing = await Mesh.Http.SendAsync(same);
        Assert.Equal(HttpStatusCode.OK, agreeing.StatusCode);
    }

    [Theory]
    [InlineData("claude-mock", true)]
    [InlineData("gpt-4o-mini", false)]
    public async Task The_clients_anthropic_beta_reaches_anthropic_deployments_only(string model, bool passed)
    {
        var marker = Guid.NewGuid().ToString("N");
        var request = AnthropicHttp.Post(Mesh.Ingress, "v1/messages", $$"""{"model":"{{model}}","max_tokens":10,"messages":[{"role":"user","content":"echo: {{marker}}"}]}""");
        request.Headers.Add("anthropic-beta", "prompt-caching-2024-07-31,files-api-2025-04-14");
        using var response = await Mesh.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var seen = await Mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.Equal(passed, seen.Headers.TryGetValue("anthropic-beta", out var beta));
        if (passed)
        {
            Assert.Equal("prompt-caching-2024-07-31,files-api-2025-04-14", beta);
        }

        var injected = AnthropicHttp.Post(Mesh.Ingress, "v1/messages", """{"model":"claude-mock","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""");
        injected.Headers.TryAddWithoutValidation("anthropic-beta", "a b; x-api-key: other");
        using var refused = await Mesh.Http.SendAsync(injected);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public async Task Bad_requests_are_refused_in_anthropics_shape_before_reaching_the_mesh()
    {
        using var noVersion = await Mesh.Http.SendAsync(AnthropicHttp.Post(Mesh.Ingress, "v1/messages",
            """{"model":"gpt-4o-mini","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}""", version: null));
        Assert.Equal(HttpStatusCode.BadRequest, noVersion.StatusCode);
        Assert.Contains("anthropic-version", await noVersion.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var noMax = await Mesh.Http.SendAsync(AnthropicHttp.Post(Mesh.Ingress, "v1/messages",
            """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, noMax.StatusCode);
        var error = JsonDocument.Parse(await noMax.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("invalid_request_error", error.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("max_tokens: Field required", error.GetProperty("error").GetProperty("message").GetString());

        using var hot = await Mesh.Http.SendAsync(AnthropicHttp.Post(Mesh.Ingress, "v1/messages",
            """{"model":"gpt-4o-mini","max_tokens":10,"temperature":1.5,"messages":[{"role":"user","content":"hi"}]}"""));
        Assert.Equal(HttpStatusCode.BadRequest, hot.StatusCode);

        var thinking = await Assert.ThrowsAsync<AnthropicBadRequestException>(() => AnthropicSdk.Client(Mesh.Ingress).Messages.Create(new MessageCreateParams
        {
            Model = "gpt-4o-mini",
            MaxTokens = 1000,
            Thinking = new ThinkingConfigEnabled(1024),
            Messages = [new UserMessageParam("hi")],
        }));
        Assert.Contains("budget_tokens", thinking.ResponseBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_tokens_is_the_providers_where_it_counts_else_estimated_and_authorized_like_messages()
    {
        var marker = Guid.NewGuid().ToString("N");
        var exact = await AnthropicSdk.Client(Mesh.Ingress).Messages.CountTokens(new MessageCountTokensParams
        {
            Model = "claude-mock",
            System = "Be brief.",
            Tools = [AnthropicSdk.WeatherTool()],
            Messages = [new UserMessageParam($"hello world {marker}")],
        });

        // The mock counts words: "Be brief." and "hello world <marker>", plus 10 per tool.
        Assert.Equal(2 + 3 + 10, exact.InputTokens);
        var seen = await Mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.Equal("/v1/messages/count_tokens", seen.Path);
        Assert.Equal(TestEnvironment.ProviderKey, seen.Headers["x-api-key"]);
        var sent = JsonDocument.Parse(seen.Body).RootElement;
        Assert.Equal("claude-sonnet-4-5", sent.GetProperty("model").GetString());
        Assert.False(sent.TryGetProperty("max_tokens", out _));
        Assert.Equal("get_weather", sent.GetProperty("tools")[0].GetProperty("name").GetString());

        var betaMarker = Guid.NewGuid().ToString("N");
        var withBeta = AnthropicHttp.Post(Mesh.Ingress, "v1/messages/count_tokens",
            $$"""{"model":"claude-mock","messages":[{"role":"user","content":"one two {{betaMarker}}"}]}""");
        withBeta.Headers.Add("anthropic-beta", "token-counting-2024-11-01");
        using var raw = await Mesh.Http.SendAsync(withBeta);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.False(raw.Headers.Contains("x-aimesh-token-count"));
        Assert.Equal(3, JsonDocument.Parse(await raw.Content.ReadAsStringAsync()).RootElement.GetProperty("input_tokens").GetInt32());
        var counted = await Mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(betaMarker, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.Equal("token-counting-2024-11-01", counted.Headers["anthropic-beta"]);

        using var estimated = await Mesh.Http.SendAsync(AnthropicHttp.Post(Mesh.Ingress, "v1/messages/count_tokens",
            """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello world"}]}"""));
        Assert.Equal(HttpStatusCode.OK, estimated.StatusCode);
        Assert.Equal("estimated", estimated.Headers.GetValues("x-aimesh-token-count").Single());
        Assert.Equal(2 + 3 + 3, JsonDocument.Parse(await estimated.Content.ReadAsStringAsync()).RootElement.GetProperty("input_tokens").GetInt32());

        var countRequest = new MessageCountTokensParams { Model = "claude-mock", Messages = [new UserMessageParam("hi")] };
        await Assert.ThrowsAsync<AnthropicUnauthorizedException>(() => AnthropicSdk.Client(Mesh.Ingress, "sk-wrong").Messages.CountTokens(countRequest));
        await Assert.ThrowsAsync<AnthropicNotFoundException>(() => AnthropicSdk.Client(Mesh.Ingress, TestEnvironment.LimitedClientKey).Messages.CountTokens(countRequest));
        await Assert.ThrowsAsync<AnthropicNotFoundException>(() => AnthropicSdk.Client(Mesh.Ingress).Messages.CountTokens(countRequest with { Model = "no-such-model" }));
        await Assert.ThrowsAsync<AnthropicBadRequestException>(() => AnthropicSdk.Client(Mesh.Ingress).Messages.CountTokens(countRequest with { Messages = [] }));
    }
}
