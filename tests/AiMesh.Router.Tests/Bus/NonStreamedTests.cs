using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Bus;

public sealed class NonStreamedTests
{
    [Fact]
    public async Task Answers_with_the_upstream_body_and_usage_and_calls_the_provider_as_configured()
    {
        await using var mesh = await RouterMesh.StartAsync();
        var request = RouterHost.Chat(
            """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}],"x_custom_member":{"keep":[1,2,3]},"temperature":0.5}""",
            stream: false);

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        Assert.NotNull(routed);
        Assert.Equal((request.RequestId, 200, 0, "mock-chat", "openai", 1), (routed.RequestId, routed.Status, routed.ChunkCount, routed.Deployment, routed.Provider, routed.Attempts));
        Assert.NotNull(routed.FirstByteMs);

        var body = JsonNode.Parse(routed.Body!)!;
        Assert.Equal("mock-gpt", (string?)body["model"]);
        Assert.False(string.IsNullOrEmpty((string?)body["choices"]![0]!["message"]!["content"]));
        Assert.NotNull(routed.Usage);
        Assert.Equal((int)body["usage"]!["prompt_tokens"]!, routed.Usage.PromptTokens);
        Assert.Equal((int)body["usage"]!["completion_tokens"]!, routed.Usage.CompletionTokens);
        Assert.True(routed.Usage.CompletionTokens > 0);

        var recorded = Assert.Single(mesh.Mock.Recorder.Snapshot());
        Assert.Equal("/v1/chat/completions", recorded.Path);
        Assert.Equal("Bearer " + RouterHost.Key, recorded.Headers["authorization"]);
        Assert.Equal("1", recorded.Headers["x-extra"]);
        var sent = JsonNode.Parse(recorded.Body)!;
        Assert.Equal("mock-gpt", (string?)sent["model"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"keep":[1,2,3]}"""), sent["x_custom_member"]));
        Assert.Equal(0.5, (double)sent["temperature"]!);
    }

    [Fact]
    public async Task Serves_embeddings_from_a_keyless_deployment()
    {
        await using var mesh = await RouterMesh.StartAsync();
        var request = RouterHost.Chat("""{"model":"text-embedding-3-small","input":["one","two"]}""", stream: false, model: "text-embedding-3-small")
            with
        { Api = "embeddings" };

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        Assert.Equal(("mock-embeddings", "vllm"), (routed!.Deployment, routed.Provider));
        var body = JsonNode.Parse(routed.Body!)!;
        Assert.Equal(2, body["data"]!.AsArray().Count);
        Assert.Equal((int)body["usage"]!["prompt_tokens"]!, routed.Usage!.PromptTokens);
        Assert.True(routed.Usage.PromptTokens > 0);

        var recorded = Assert.Single(mesh.Mock.Recorder.Snapshot());
        Assert.Equal("/v1/embeddings", recorded.Path);
        Assert.False(recorded.Headers.ContainsKey("authorization"));
        Assert.Equal("mock-embed", JsonDocument.Parse(recorded.Body).RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task An_unknown_model_is_a_404_and_no_provider_is_called()
    {
        await using var mesh = await RouterMesh.StartAsync();

        var (routed, failed) = await mesh.Router.RouteAsync(RouterHost.Chat("""{"model":"gpt-9","messages":[]}""", stream: false, model: "gpt-9"));

        Assert.Null(routed);
        Assert.Equal((404, "invalid_request_error", "model_not_found", "error", 0), (failed!.Status, failed.Type, failed.Code, failed.Outcome, failed.Attempts));
        Assert.Empty(mesh.Mock.Recorder.Snapshot());
    }

    [Fact]
    public async Task A_model_asked_on_an_api_its_deployment_does_not_serve_is_not_found()
    {
        await using var mesh = await RouterMesh.StartAsync();
        var request = RouterHost.Chat("""{"model":"gpt-4o-mini","input":"x"}""", stream: false) with { Api = "embeddings" };

        var (_, failed) = await mesh.Router.RouteAsync(request);

        Assert.Equal("model_not_found", failed!.Code);
        Assert.Empty(mesh.Mock.Recorder.Snapshot());
    }

    [Fact]
    public async Task A_body_that_is_not_a_json_object_is_refused_without_a_call()
    {
        await using var mesh = await RouterMesh.StartAsync();

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat("""{"model":"a","model":"b"}""", stream: false));

        Assert.Equal((400, "invalid_json"), (failed!.Status, failed.Code));
        Assert.Empty(mesh.Mock.Recorder.Snapshot());
    }

    [Fact]
    public async Task Lists_each_public_model_once_with_its_apis()
    {
        await using var mesh = await RouterMesh.StartAsync(configure: settings =>
        {
            settings["Router:Deployments:2:Name"] = "second-chat";
            settings["Router:Deployments:2:Model"] = "gpt-4o-mini";
            settings["Router:Deployments:2:Provider"] = "ollama";
            settings["Router:Deployments:2:BaseUrl"] = "http://127.0.0.1:1/v1";
            settings["Router:Deployments:2:OwnedBy"] = "someone-else";
            settings["Router:Deployments:2:Api:0"] = "chat.completions";
            settings["Router:Deployments:2:Api:1"] = "embeddings";
        });

        var listed = await mesh.Router.ListModelsAsync();

        Assert.Equal(2, listed.Models.Count);
        var chat = listed.Models[0];
        Assert.Equal(("gpt-4o-mini", "aimesh", 0L), (chat.Id, chat.OwnedBy, chat.Created));
        Assert.Equal(["chat.completions", "embeddings"], chat.Api);
        var embeddings = listed.Models[1];
        Assert.Equal(("text-embedding-3-small", "vllm", 1715558400L), (embeddings.Id, embeddings.OwnedBy, embeddings.Created));
        Assert.Equal(["embeddings"], embeddings.Api);
    }

    [Fact]
    public async Task Each_model_carries_the_dearest_input_and_output_price_of_its_deployments()
    {
        await using var mesh = await RouterMesh.StartAsync(configure: settings =>
        {
            settings["Router:Deployments:0:Price:Input"] = "1.00";
            settings["Router:Deployments:0:Price:Output"] = "8.00";
            settings["Router:Deployments:2:Name"] = "second-chat";
            settings["Router:Deployments:2:Model"] = "gpt-4o-mini";
            settings["Router:Deployments:2:Provider"] = "ollama";
            settings["Router:Deployments:2:BaseUrl"] = "http://127.0.0.1:1/v1";
            settings["Router:Deployments:2:Api:0"] = "chat.completions";
            settings["Router:Deployments:2:Price:Input"] = "3.00";
            settings["Router:Deployments:2:Price:Output"] = "2.00";
            settings["Router:Deployments:3:Name"] = "unpriced";
            settings["Router:Deployments:3:Model"] = "local-model";
            settings["Router:Deployments:3:Provider"] = "ollama";
            settings["Router:Deployments:3:UpstreamModel"] = "nobody-prices-this";
            settings["Router:Deployments:3:BaseUrl"] = "http://127.0.0.1:1/v1";
            settings["Router:Deployments:3:Api:0"] = "chat.completions";
        });

        var listed = await mesh.Router.ListModelsAsync();

        Assert.Equal(new ModelPriceCeiling(3.00m, 8.00m, "USD"), listed.Models.Single(m => m.Id == "gpt-4o-mini").PriceCeiling);
        Assert.Null(listed.Models.Single(m => m.Id == "local-model").PriceCeiling);
    }
}
