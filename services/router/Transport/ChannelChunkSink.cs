using System.Buffers;
using AiMesh.Contracts.Routing;
using AiMesh.Hosting.Streams;
using AiMesh.Router.Telemetry;

namespace AiMesh.Router.Transport;

/// <summary>
/// Streams one answer's chunks to the ingress over one HTTP/1.1 chunked POST (<see cref="StreamChannel"/>): a frame
/// per chunk, flushed at once, so a chunk costs one socket write and TCP's flow control is the back-pressure.
/// <para>
/// The request asks for 100 Continue, so the ingress accepts or refuses it before the first chunk is sent. Refused
/// or unreachable at that point, nothing was delivered and the sink falls back to the bus for the whole stream
/// (logged). Broken later, chunks may be lost: <see cref="SendAsync"/> throws <see cref="ChunkSinkException"/> and
/// the call fails, so the client's stream ends in an error, never as complete.
/// </para>
/// </summary>
internal sealed class ChannelChunkSink(
    Guid requestId, HttpClient client, Uri url, string token, Func<Task<IChunkSink>> fallback, ILogger logger) : IChunkSink
{
    private static readonly TimeSpan FinishTimeout = TimeSpan.FromSeconds(5);

    private readonly ArrayBufferWriter<byte> _frame = new(4096);
    private readonly CancellationTokenSource _abort = new();
    private ChannelContent? _content;
    private Task<HttpResponseMessage>? _sending;
    private Stream? _body;
    private IChunkSink? _fallback;

    public async Task SendAsync(CompletionChunk chunk, CancellationToken cancellationToken)
    {
        if (_fallback is { } bus)
        {
            await bus.SendAsync(chunk, cancellationToken);
            return;
        }

        if (_body is null && !await OpenAsync(chunk, cancellationToken))
        {
            _fallback = await fallback();
            await _fallback.SendAsync(chunk, cancellationToken);
            return;
        }

        _frame.ResetWrittenCount();
        ChunkFrames.Write(_frame, chunk.Sequence, chunk.Data);
        try
        {
            await _body!.WriteAsync(_frame.WrittenMemory, cancellationToken);
            await _body.FlushAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException or ObjectDisposedException
                                              || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ChunkSinkException("The stream channel to the ingress broke.", exception);
        }
    }

    /// <returns>False when the ingress refused the stream or could not be reached, before anything was delivered.</returns>
    private async Task<bool> OpenAsync(CompletionChunk first, CancellationToken cancellationToken)
    {
        _content = new ChannelContent();
        _content.Headers.ContentType = new(StreamChannel.ContentType);
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = _content, Version = new Version(1, 1) };
        request.Headers.ExpectContinue = true;
        request.Headers.TryAddWithoutValidation(StreamChannel.TokenHeader, token);
        if (first.DroppedParameters is { Count: > 0 } dropped)
        {
            request.Headers.TryAddWithoutValidation(StreamChannel.DroppedHeader, string.Join(", ", dropped));
        }

        _sending = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _abort.Token);
        using var cancel = cancellationToken.Register(() => _abort.Cancel());
        var settled = await Task.WhenAny(_content.Opened, _sending);
        if (settled == _content.Opened && _content.Opened.IsCompletedSuccessfully)
        {
            _body = _content.Opened.Result;
            return true;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var status = await RefusalAsync();
        RouterLog.StreamChannelRefused(logger, requestId, status);
        return false;
    }

    /// <summary>Why the ingress did not take the stream: its status, or 0 when it could not be reached.</summary>
    private async Task<int> RefusalAsync()
    {
        try
        {
            using var response = await _sending!;
            return (int)response.StatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_fallback is not null)
        {
            await _fallback.DisposeAsync();
        }

        if (_content is null || _sending is null)
        {
            _abort.Dispose();
            return;
        }

        _content.End();
        try
        {
            using var response = await _sending.WaitAsync(FinishTimeout);
            if (!response.IsSuccessStatusCode && _body is not null)
            {
                RouterLog.StreamChannelIncomplete(logger, requestId, (int)response.StatusCode, null);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or TimeoutException)
        {
            // The ingress has not confirmed every chunk; its relay ends the client's stream in an error if one is missing.
            await _abort.CancelAsync();
            RouterLog.StreamChannelIncomplete(logger, requestId, 0, exception);
        }
        finally
        {
            _content.Dispose();
            _abort.Dispose();
        }
    }
}
