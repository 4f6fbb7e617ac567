using System.Diagnostics;
using AiMesh.Bench.StreamChannels.Wire;

namespace AiMesh.Bench.StreamChannels.Consumer;

/// <summary>
/// The direct channel's receiving end: one chunked HTTP/1.1 request per stream, the router pushing to the ingress
/// that holds the client. Each line is stamped as soon as it is parsed off Kestrel's pipe, the counterpart of the
/// bus consumer's stamp after deserialization.
/// </summary>
internal static class DirectStreamEndpoint
{
    public static async Task<IResult> ReceiveAsync(Guid id, HttpRequest request, PhaseBoard phases, CancellationToken cancellationToken)
    {
        var body = request.BodyReader;
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            while (DirectFraming.TryRead(ref buffer, out var sequence, out var sent))
            {
                phases.Record(id, sequence, sent, Stopwatch.GetTimestamp());
            }

            body.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                return buffer.IsEmpty ? Results.NoContent() : Results.BadRequest("The stream ended inside a line.");
            }
        }
    }
}
