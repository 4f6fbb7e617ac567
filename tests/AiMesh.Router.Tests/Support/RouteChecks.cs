using AiMesh.Contracts.Routing;

namespace AiMesh.Router.Tests.Support;

/// <summary>Checks that every provider's route tests make the same way, written once.</summary>
internal static class RouteChecks
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The mock cut the stream (<c>cutAfter=3</c>): the call fails as truncated after the role chunk and three content
    /// chunks, none of which carries a finish reason (none is invented), and the mock saw its connection broken.
    /// </summary>
    public static async Task CutStreamFailsAsTruncatedAsync(RouterMesh mesh, RouteCompletion request, string upstreamPath)
    {
        ArgumentNullException.ThrowIfNull(mesh);
        ArgumentNullException.ThrowIfNull(request);
        var (_, failed) = await mesh.Router.RouteAsync(request);

        Assert.Equal((502, "upstream_stream_truncated", "truncated", 4), (failed!.Status, failed.Code, failed.Outcome, failed.ChunkCount));
        var chunks = await mesh.Router.Chunks.WaitForAsync(request.RequestId, failed.ChunkCount);
        Assert.All(chunks, c => Assert.DoesNotContain("\"finish_reason\":\"", c.Data, StringComparison.Ordinal));
        Assert.True((await mesh.Mock.Recorder.WaitForAsync(r => r.Path == upstreamPath, Wait)).Aborted);
    }

    /// <summary>Routes a whole (not streamed) chat of one user message to <paramref name="model"/>.</summary>
    public static Task<(CompletionRouted? Routed, CompletionFailed? Failed)> AskAsync(RouterMesh mesh, string model, string prompt = "hi")
    {
        ArgumentNullException.ThrowIfNull(mesh);
        var body = new System.Text.Json.Nodes.JsonObject
        {
            ["model"] = model,
            ["messages"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["role"] = "user", ["content"] = prompt }),
        };
        return mesh.Router.RouteAsync(RouterHost.Chat(body.ToJsonString(), stream: false, model: model));
    }

    /// <summary>The call fails with the client error every provider's failure of that kind gets, never showing the key.</summary>
    public static async Task FailsAsAsync(RouterMesh mesh, string model, string prompt, int status, string code, int? retryAfter)
    {
        var (_, failed) = await AskAsync(mesh, model, prompt);

        Assert.Equal((status, code, retryAfter), (failed!.Status, failed.Code, failed.RetryAfterSeconds));
        Assert.DoesNotContain(RouterHost.Key, failed.Message, StringComparison.Ordinal);
    }
}
