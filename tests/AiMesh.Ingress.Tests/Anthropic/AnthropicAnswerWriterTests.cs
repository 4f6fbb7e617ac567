using System.Text;
using System.Text.Json;
using AiMesh.Ingress.Anthropic;
using Microsoft.AspNetCore.Http;

namespace AiMesh.Ingress.Tests.Anthropic;

public sealed class AnthropicAnswerWriterTests
{
    [Fact]
    public async Task A_heartbeat_is_a_ping_while_the_stream_is_open_and_nothing_after_it_ended()
    {
        var writer = new AnthropicAnswerWriter();
        var http = Response();

        await writer.WriteChunkAsync(http.Response, """{"id":"chatcmpl-1","model":"m","choices":[{"index":0,"delta":{"role":"assistant"}}]}""", CancellationToken.None);
        await writer.WriteHeartbeatAsync(http.Response, CancellationToken.None);
        await writer.EndStreamAsync(http.Response, null, CancellationToken.None);
        await writer.WriteHeartbeatAsync(http.Response, CancellationToken.None);

        var text = Written(http);
        Assert.StartsWith("event: message_start\ndata: {", text, StringComparison.Ordinal);
        Assert.Contains("\n\nevent: ping\ndata: {\"type\":\"ping\"}\n\nevent: error\n", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n\n", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("event: ping").Length);
    }

    [Fact]
    public async Task The_whole_answer_names_the_clients_model_and_an_inexpressible_one_is_a_502()
    {
        var writer = new AnthropicAnswerWriter();
        var (request, error) = writer.Validate("""{"model":"public-name","max_tokens":5,"messages":[{"role":"user","content":"x"}]}"""u8.ToArray(), 64);
        Assert.Null(error);
        Assert.Equal("public-name", request!.Model);

        var ok = Response();
        await writer.WriteAnswerAsync(ok.Response, 200, """{"id":"chatcmpl-1","model":"upstream-name","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}""", CancellationToken.None);
        Assert.Equal(200, ok.Response.StatusCode);
        Assert.Equal("public-name", JsonDocument.Parse(Written(ok)).RootElement.GetProperty("model").GetString());

        var bad = Response();
        await writer.WriteAnswerAsync(bad.Response, 200, """{"choices":[{"index":0,"message":{"role":"assistant","tool_calls":[{"id":"a","function":{"name":"f","arguments":"[]"}}]},"finish_reason":"tool_calls"}]}""", CancellationToken.None);
        Assert.Equal(502, bad.Response.StatusCode);
        Assert.Equal("api_error", JsonDocument.Parse(Written(bad)).RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    private static DefaultHttpContext Response()
    {
        var http = new DefaultHttpContext();
        http.Response.Body = new MemoryStream();
        return http;
    }

    private static string Written(DefaultHttpContext http) => Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
}
