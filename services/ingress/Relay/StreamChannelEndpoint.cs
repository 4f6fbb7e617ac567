using AiMesh.Contracts.Routing;
using AiMesh.Hosting.Streams;
using AiMesh.Ingress.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace AiMesh.Ingress.Relay;

/// <summary>
/// The ingress end of the stream channel (<see cref="StreamChannel"/>): a router POSTs one streamed answer's chunks
/// here, framed, and each is handed to the waiting exchange as it arrives. Accepted only with the request's token
/// (<see cref="StreamChannelKey"/>), only for a request this instance holds open, only once per request; every check
/// is made before the body is read, so a router told no (before its 100 Continue) sends the stream by bus instead.
/// </summary>
internal sealed class StreamChannelEndpoint(ResponseRelays relays, StreamChannelKey key, ILogger<StreamChannelEndpoint> logger)
{
    // Anyone who reaches the port can be refused: one line per 10 s at most, with the count of the others.
    private readonly LogThrottle refusals = new(TimeSpan.FromSeconds(10));

    public async Task HandleAsync(HttpContext http, string requestId)
    {
        if (!Guid.TryParseExact(requestId, "N", out var id) || !key.Verify(id, http.Request.Headers[StreamChannel.TokenHeader]))
        {
            if (refusals.TryLog(out var suppressed))
            {
                IngressLog.StreamChannelUnauthorized(logger, http.Connection.RemoteIpAddress?.ToString() ?? "unknown", suppressed);
            }

            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (relays.Find(id) is not { } relay)
        {
            // The client has gone (or the request was never here): nothing to write into.
            http.Response.StatusCode = StatusCodes.Status410Gone;
            return;
        }

        if (!relay.TryAttachChannel())
        {
            http.Response.StatusCode = StatusCodes.Status409Conflict;
            return;
        }

        // A stream lasts as long as the model writes, at the model's pace: the limits meant for client uploads do not apply.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }

        var dropped = http.Request.Headers[StreamChannel.DroppedHeader].ToString() is { Length: > 0 } names
            ? names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : null;
        try
        {
            await ReadFramesAsync(http, relay, id, dropped);
        }
        catch (InvalidDataException)
        {
            // The relay notices the missing chunks and ends the client's stream in an error.
            IngressLog.StreamChannelInvalid(logger, id);
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The router's side went away mid-stream: it fails the call and says so by bus, and the client's stream ends
            // in that error (stream_relay_broken), also when a chunk the router counted was lost in the break.
            IngressLog.StreamChannelBroken(logger, id);
        }
        finally
        {
            // After every chunk it delivered: the relay need not wait for one the channel can no longer bring.
            relay.ChannelClosed();
        }
    }

    private static async Task ReadFramesAsync(HttpContext http, ResponseRelay relay, Guid id, string[]? dropped)
    {
        var reader = http.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(http.RequestAborted);
            var buffer = read.Buffer;
            FrameRead found;
            while ((found = ChunkFrames.TryRead(ref buffer, out var sequence, out var data)) == FrameRead.Frame)
            {
                relay.Post(new CompletionChunk(id, sequence, data!, sequence == 0 ? dropped : null));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (found == FrameRead.Invalid || (read.IsCompleted && !buffer.IsEmpty))
            {
                throw new InvalidDataException("The stream channel sent bytes that are not chunk frames.");
            }

            if (read.IsCompleted)
            {
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }
        }
    }
}
