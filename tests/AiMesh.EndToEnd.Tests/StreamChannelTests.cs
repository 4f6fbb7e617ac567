using System.Text;
using System.Text.Json;
using AiMesh.EndToEnd.Tests.Infrastructure;
using AiMesh.MockProvider;
using OpenAI.Chat;

namespace AiMesh.EndToEnd.Tests;

/// <summary>
/// The direct stream channel, distributed: a streamed answer's chunks go router → ingress over HTTP while the bus
/// carries the rest. Shown here: chunks take it, a channel broken mid-stream ends the client's stream in an error and
/// stops the provider call, and a channel refused before the first chunk leaves the stream to the bus, whole.
/// The channel runs through a proxy the tests can cut; the tests share it, so they run one after another.
/// </summary>
public sealed class StreamChannelTests(DistributedMeshWithChannelProxy mesh) : IClassFixture<DistributedMeshWithChannelProxy>
{
    [Fact]
    public async Task Streamed_chunks_take_the_channel_and_arrive_whole_and_in_order()
    {
        var before = mesh.Channel.Accepted;
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in mesh.Client().GetChatClient("gpt-4o-mini")
            .CompleteChatStreamingAsync([new UserChatMessage("echo: one two three four five six seven")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            finish ??= update.FinishReason;
        }

        Assert.Equal("one two three four five six seven", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.True(mesh.Channel.Accepted > before, "the router opened the stream channel");
    }

    [Fact]
    public async Task A_channel_broken_mid_stream_ends_the_stream_in_an_error_and_stops_the_provider_call()
    {
        var seen = await BreakMidStreamAsync(_ =>
        {
            mesh.Channel.Cut();
            return Task.CompletedTask;
        });

        Assert.False(seen.Completed);
    }

    [Fact]
    public async Task A_chunk_lost_in_the_break_does_not_change_the_code_the_client_sees()
    {
        // The order CI once hit by chance, made certain: the router's socket takes a chunk that never arrives (the proxy
        // drops it), so the router counts more chunks than the ingress got when it notices the break at its next write.
        await BreakMidStreamAsync(async limit =>
        {
            mesh.Channel.Swallow();
            while (mesh.Channel.Swallowed == 0)
            {
                await Task.Delay(10, limit);
            }

            mesh.Channel.Cut();
        });
    }

    /// <summary>
    /// Streams from slow-model and breaks the channel with <paramref name="breakChannel"/> after the second event; asserts
    /// the client's stream ends in the router's <c>stream_relay_broken</c> error, never <c>[DONE]</c> or an invented
    /// finish, and that the provider saw the call stopped. Returns the provider's record of the call.
    /// </summary>
    private async Task<RecordedRequest> BreakMidStreamAsync(Func<CancellationToken, Task> breakChannel)
    {
        var marker = Guid.NewGuid().ToString("N");
        using var response = await mesh.Http.SendAsync(
            Sse.Post(mesh.Ingress, "v1/chat/completions", $$"""{"model":"slow-model","stream":true,"messages":[{"role":"user","content":"{{marker}}"}]}"""),
            HttpCompletionOption.ResponseHeadersRead);
        var events = new List<string>();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(limit.Token);
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync(limit.Token) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                events.Add(line["data: ".Length..]);
                if (events.Count == 2)
                {
                    await breakChannel(limit.Token);
                }
            }
        }
        finally
        {
            mesh.Channel.Restore();
        }

        Assert.DoesNotContain("[DONE]", events);
        var error = JsonDocument.Parse(events[^1]).RootElement.GetProperty("error");
        Assert.Equal("stream_relay_broken", error.GetProperty("code").GetString());
        Assert.DoesNotContain(events[..^1], e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind == JsonValueKind.String);

        var seen = await mesh.Mock.Recorder.WaitForAsync(r => r.Body.Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.True(seen.Cancelled, "the provider saw the call stopped");
        return seen;
    }

    [Fact]
    public async Task A_channel_refused_before_the_first_chunk_leaves_the_stream_to_the_bus()
    {
        mesh.Channel.StopAccepting();
        try
        {
            using var response = await mesh.Http.SendAsync(
                Sse.Post(mesh.Ingress, "v1/chat/completions", """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"echo: still all here"}]}"""));
            var events = await Sse.ReadAllAsync(response);

            Assert.Equal("[DONE]", events[^1]);
            var text = string.Concat(events[..^1].Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("delta"))
                .Where(d => d.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String)
                .Select(d => d.GetProperty("content").GetString()));
            Assert.Equal("still all here", text);
        }
        finally
        {
            mesh.Channel.Restore();
        }
    }
}
