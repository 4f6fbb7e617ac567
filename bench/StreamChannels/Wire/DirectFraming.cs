using System.Buffers;
using System.Buffers.Text;

namespace AiMesh.Bench.StreamChannels.Wire;

/// <summary>
/// The direct channel's framing inside one chunked HTTP/1.1 request body: one line per chunk,
/// <c>&lt;sequence&gt; &lt;sent timestamp&gt; &lt;chunk JSON&gt;\n</c>. A provider's chunk is compact JSON, so it
/// holds no raw newline; the sequence number is what a real channel would carry too (the ingress restores order
/// and counts chunks by it).
/// </summary>
internal static class DirectFraming
{
    private const int MaxNumberLength = 20;

    public static int MaxLength(int payloadLength) => payloadLength + (2 * MaxNumberLength) + 3;

    /// <summary>Writes one line into <paramref name="buffer"/> (at least <see cref="MaxLength"/> long); returns its length.</summary>
    public static int Write(Span<byte> buffer, int sequence, long sent, ReadOnlySpan<byte> payload)
    {
        if (!Utf8Formatter.TryFormat(sequence, buffer, out var length))
        {
            throw new ArgumentException("The buffer is too small for the sequence number.", nameof(buffer));
        }

        buffer[length++] = (byte)' ';
        if (!Utf8Formatter.TryFormat(sent, buffer[length..], out var written))
        {
            throw new ArgumentException("The buffer is too small for the timestamp.", nameof(buffer));
        }

        length += written;
        buffer[length++] = (byte)' ';
        payload.CopyTo(buffer[length..]);
        length += payload.Length;
        buffer[length++] = (byte)'\n';
        return length;
    }

    /// <summary>Takes the next complete line off <paramref name="buffer"/>; false when none is complete yet.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out int sequence, out long sent)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            sequence = 0;
            sent = 0;
            return false;
        }

        buffer = buffer.Slice(reader.Position);
        ReadOnlySpan<byte> span = line.IsSingleSegment ? line.FirstSpan : line.ToArray();
        if (!Utf8Parser.TryParse(span, out sequence, out var first) || first >= span.Length || span[first] != (byte)' ' ||
            !Utf8Parser.TryParse(span[(first + 1)..], out sent, out var second) || first + 1 + second >= span.Length ||
            span[first + 1 + second] != (byte)' ')
        {
            throw new InvalidDataException("A direct stream line is not '<sequence> <timestamp> <chunk>'.");
        }

        return true;
    }
}
