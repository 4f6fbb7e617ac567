using System.Diagnostics;
using System.Net;
using AiMesh.Bench.StreamChannels.Wire;

namespace AiMesh.Bench.StreamChannels.Producer;

/// <summary>
/// A request body of unknown length (so HttpClient sends it chunked) that writes one line per chunk and flushes
/// it to the socket before taking the next: nothing waits in a buffer.
/// </summary>
internal sealed class ChunkStreamContent(ChunkFeed feed, TimeSpan pace) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var line = new byte[DirectFraming.MaxLength(feed.MaxBytes)];
        long previous = 0;
        for (var sequence = 0; sequence < feed.Count; sequence++)
        {
            await Pacer.WaitAsync(previous, pace, cancellationToken);
            var sent = Stopwatch.GetTimestamp();
            previous = sent;
            var length = DirectFraming.Write(line, sequence, sent, feed.Utf8(sequence));
            await stream.WriteAsync(line.AsMemory(0, length), cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
