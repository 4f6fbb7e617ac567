using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using AiMesh.Hosting.Streams;
using AiMesh.Ingress.OpenAi;
using AiMesh.Ingress.Relay;
using AiMesh.Ingress.Saga;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiMesh.Ingress.Tests.Relay;

/// <summary>The ingress end of the stream channel over a real socket: who may write, into what, and what arrives.</summary>
public sealed class StreamChannelEndpointTests : IAsyncLifetime
{
    private readonly ResponseRelays _relays = new();
    private readonly StreamChannelKey _key = new(new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { [StreamChannelKey.Variable] = "endpoint-tests-key-0123456789abcdefghij" })
        .Build());
    private readonly HttpClient _http = new();
    private WebApplication _app = null!;
    private Uri _base = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        var endpoint = new StreamChannelEndpoint(_relays, _key, NullLogger<StreamChannelEndpoint>.Instance);
        _app.MapPost(StreamChannel.PathPrefix + "{requestId}", endpoint.HandleAsync);
        await _app.StartAsync();
        _base = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _http.Dispose();
    }

    [Fact]
    public async Task Chunks_posted_with_the_token_reach_the_relay_in_order_with_the_dropped_parameters()
    {
        var id = Guid.NewGuid();
        var relay = _relays.Open(id);
        using var request = Post(id, _key.TokenFor(id), Frames((0, "first"), (1, "second\nline"), (2, "third")));
        request.Headers.Add(StreamChannel.DroppedHeader, "logprobs, n");

        using var response = await _http.SendAsync(request);
        relay.Post(new CompletionAnswered(id, 200, null, 3, null, "d", null));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(["first", "second\nline", "third"], await ReadChunksAsync(relay, 3));
        Assert.Equal(["logprobs", "n"], relay.DroppedParameters);
    }

    [Fact]
    public async Task A_wrong_or_missing_token_is_refused_and_nothing_reaches_the_relay()
    {
        var id = Guid.NewGuid();
        var relay = _relays.Open(id);

        using var wrong = await _http.SendAsync(Post(id, _key.TokenFor(Guid.NewGuid()), Frames((0, "injected"))));
        using var missing = await _http.SendAsync(Post(id, null, Frames((0, "injected"))));
        relay.Post(new CompletionAnswered(id, 200, null, 0, null, "d", null));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        var item = await relay.ReadAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Null(item.Chunk);
        Assert.NotNull(item.Answer);
    }

    [Fact]
    public async Task A_request_this_instance_does_not_hold_is_gone()
    {
        var id = Guid.NewGuid();
        using var response = await _http.SendAsync(Post(id, _key.TokenFor(id), Frames((0, "late"))));
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
    }

    [Fact]
    public async Task A_second_channel_for_the_same_request_is_refused()
    {
        var id = Guid.NewGuid();
        _relays.Open(id);
        using var first = await _http.SendAsync(Post(id, _key.TokenFor(id), Frames((0, "one"))));
        using var second = await _http.SendAsync(Post(id, _key.TokenFor(id), Frames((1, "two"))));

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Fact]
    public async Task Bytes_that_are_not_frames_are_refused_after_the_whole_frames_before_them()
    {
        var id = Guid.NewGuid();
        var relay = _relays.Open(id);
        var body = Frames((0, "good")).Concat("garbage without a header\n"u8.ToArray()).ToArray();

        using var response = await _http.SendAsync(Post(id, _key.TokenFor(id), body));
        relay.Post(new CompletionAnswered(id, 200, null, 2, null, "d", null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var first = await relay.ReadAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.Equal("good", first.Chunk);
        var end = await relay.ReadAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        Assert.True(end.Incomplete, "the chunk that never came makes the stream end incomplete");
    }

    [Fact]
    public async Task A_channel_broken_mid_stream_ends_the_relay_in_the_routers_error_without_waiting_for_the_chunk_lost_in_the_break()
    {
        var id = Guid.NewGuid();
        var relay = _relays.Open(id);
        var relayed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var request = new HttpRequestMessage(HttpMethod.Post, StreamChannel.UrlFor(_base, id))
        {
            Content = new BreakingContent(Frames((0, "first"), (1, "second")), relayed.Task),
        };
        request.Headers.Add(StreamChannel.TokenHeader, _key.TokenFor(id));
        var sending = _http.SendAsync(request);

        Assert.Equal(["first", "second"], await ReadChunksAsync(relay, 2));
        relayed.SetResult();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => sending);
        // The router counted a third chunk: its socket took it, and the break lost it.
        relay.Post(new CompletionAnswered(
            id, 502, null, 3, new AnswerError("api_error", "stream_relay_broken", "The gateway lost the stream.", null, null), "d", null));

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var end = await relay.ReadAsync(TimeSpan.FromMinutes(5), patience.Token);
        Assert.True(end.Incomplete);
        Assert.Equal("stream_relay_broken", CompletionExchange.EndingError(end)?.Code);
    }

    private HttpRequestMessage Post(Guid id, string? token, byte[] body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, StreamChannel.UrlFor(_base, id)) { Content = new ByteArrayContent(body) };
        if (token is not null)
        {
            request.Headers.Add(StreamChannel.TokenHeader, token);
        }

        return request;
    }

    private static byte[] Frames(params (int Sequence, string Data)[] chunks)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var (sequence, data) in chunks)
        {
            ChunkFrames.Write(output, sequence, data);
        }

        return output.WrittenSpan.ToArray();
    }

    /// <summary>A channel body that sends its frames, then breaks (the connection is dropped mid-body) once told to.</summary>
    private sealed class BreakingContent(byte[] frames, Task breakNow) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(frames);
            await stream.FlushAsync();
            await breakNow;
            throw new IOException("The channel broke.");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    private static async Task<List<string>> ReadChunksAsync(ResponseRelay relay, int count)
    {
        var chunks = new List<string>();
        while (chunks.Count < count)
        {
            var item = await relay.ReadAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            Assert.NotNull(item.Chunk);
            chunks.Add(item.Chunk!);
        }

        return chunks;
    }
}
