using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Router.Tests.Support;

namespace AiMesh.Router.Tests.Bus;

/// <summary>The router with a Vertex AI deployment against the mock provider and its OAuth token endpoint, on real sockets.</summary>
public sealed class VertexRouteTests
{
    private const string Body = """{"model":"vertex-public","messages":[{"role":"user","content":"hello"}]}""";

    [Fact]
    public async Task Two_calls_share_one_token_exchange_and_send_the_token_only_to_the_vertex_path()
    {
        await using var mesh = await GoogleMesh.StartAsync("tokens=3");

        var (first, _) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "vertex-public"));
        var (second, _) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "vertex-public"));

        Assert.Equal(("This is a", "This is a"), ((string?)JsonNode.Parse(first!.Body!)!["choices"]![0]!["message"]!["content"],
            (string?)JsonNode.Parse(second!.Body!)!["choices"]![0]!["message"]!["content"]));
        var recorded = mesh.Mock.Recorder.Snapshot();
        Assert.Equal(["/token", GoogleMesh.VertexPath + "gemini-2.5-flash:generateContent", GoogleMesh.VertexPath + "gemini-2.5-flash:generateContent"],
            recorded.Select(r => r.Path));

        // The assertion went to the token endpoint only, signed for it; the token went to Vertex only.
        var assertion = System.Web.HttpUtility.ParseQueryString(recorded[0].Body)["assertion"]!;
        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(assertion.Split('.')[1])).RootElement;
        Assert.Equal(new Uri(mesh.Mock.BaseAddress, "token").ToString(), claims.GetProperty("aud").GetString());
        Assert.Equal("router-tests@mesh-project.iam.gserviceaccount.com", claims.GetProperty("iss").GetString());
        Assert.Equal("https://www.googleapis.com/auth/cloud-platform", claims.GetProperty("scope").GetString());
        Assert.False(recorded[0].Headers.ContainsKey("authorization"));
        var bearer = recorded[1].Headers["authorization"];
        Assert.StartsWith("Bearer ya29.mock-1-", bearer, StringComparison.Ordinal);
        Assert.Equal(bearer, recorded[2].Headers["authorization"]);
        Assert.False(recorded[1].Headers.ContainsKey("x-goog-api-key"));
    }

    [Fact]
    public async Task Concurrent_calls_wait_for_one_exchange()
    {
        await using var mesh = await GoogleMesh.StartAsync("tokens=2", tokenScenario: "latency=300");

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "vertex-public"))));

        Assert.All(results, r => Assert.Equal(200, r.Routed!.Status));
        Assert.Single(mesh.Mock.Recorder.Snapshot(), r => r.Path == "/token");
    }

    [Fact]
    public async Task Streams_through_vertex()
    {
        await using var mesh = await GoogleMesh.StartAsync("tokens=4");
        var request = RouterHost.Chat("""{"model":"vertex-public","stream":true,"messages":[{"role":"user","content":"hi"}]}""", stream: true, model: "vertex-public");

        var (routed, failed) = await mesh.Router.RouteAsync(request);

        Assert.Null(failed);
        // The role chunk, four words, then the finish in a chunk of its own, as OpenAI sends them.
        Assert.Equal(6, routed!.ChunkCount);
        var chunks = await mesh.Router.Chunks.WaitForAsync(request.RequestId, 6);
        Assert.Equal("stop", (string?)JsonNode.Parse(chunks[^1].Data)!["choices"]![0]!["finish_reason"]);
        Assert.Equal(GoogleMesh.VertexPath + "gemini-2.5-flash:streamGenerateContent", mesh.Mock.Recorder.Snapshot()[^1].Path);
    }

    [Fact]
    public async Task A_failed_token_exchange_is_a_502_that_says_nothing_of_the_token_endpoint_and_calls_no_model()
    {
        await using var mesh = await GoogleMesh.StartAsync(tokenScenario: "status=500");

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "vertex-public"));

        Assert.Equal((502, "upstream_auth_failed", 0), (failed!.Status, failed.Code, failed.Attempts));
        Assert.DoesNotContain("token endpoint failed", failed.Message, StringComparison.Ordinal);
        Assert.Equal(["/token"], mesh.Mock.Recorder.Snapshot().Select(r => r.Path));
        Assert.Contains(mesh.Router.Logs.Lines, l => l.Contains("[3030]", StringComparison.Ordinal) && l.Contains("status 500", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_endpoint_slower_than_the_first_byte_clock_is_a_timeout_and_calls_no_model()
    {
        await using var mesh = await GoogleMesh.StartAsync(tokenScenario: "latency=5000", configure: s => s["Router:Timeouts:FirstByte"] = "00:00:00.300");

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "vertex-public"));

        Assert.Equal((504, "upstream_timeout", 0), (failed!.Status, failed.Code, failed.Attempts));
        Assert.DoesNotContain(mesh.Mock.Recorder.Snapshot(), r => r.Path.StartsWith(GoogleMesh.VertexPath, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_token_is_an_auth_failure_too()
    {
        await using var mesh = await GoogleMesh.StartAsync("status=401");

        var (_, failed) = await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "vertex-public"));

        Assert.Equal((502, "upstream_auth_failed"), (failed!.Status, failed.Code));
    }

    [Fact]
    public async Task Serves_embeddings_through_predict_with_the_token_counts()
    {
        await using var mesh = await GoogleMesh.StartAsync();

        var (routed, failed) = await mesh.Router.RouteAsync(GoogleMesh.Embeddings("""{"model":"vertex-public","input":["one two three","four"]}""", "vertex-public"));

        Assert.Null(failed);
        Assert.Equal(new(4, 0), routed!.Usage);
        var recorded = mesh.Mock.Recorder.Snapshot()[^1];
        Assert.Equal(GoogleMesh.VertexPath + "gemini-2.5-flash:predict", recorded.Path);
        Assert.False((bool)JsonNode.Parse(recorded.Body)!["parameters"]!["autoTruncate"]!);
    }

    [Fact]
    public async Task Neither_the_private_key_nor_the_token_appears_in_a_message_or_a_log_line()
    {
        await using var mesh = await GoogleMesh.StartAsync();

        await mesh.Router.RouteAsync(RouterHost.Chat(Body, stream: false, model: "vertex-public"));
        await mesh.Router.RouteAsync(RouterHost.Chat(Body.Replace("{\"model", "{\"stream\":true,\"model", StringComparison.Ordinal), stream: true, model: "vertex-public"));

        var token = mesh.Mock.Recorder.Snapshot()[^1].Headers["authorization"]["Bearer ".Length..];
        string[] secrets = [mesh.PrivateKeyBody(), token];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(mesh.Router.Tap.Seen, m => m.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(mesh.Router.Logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }
}
