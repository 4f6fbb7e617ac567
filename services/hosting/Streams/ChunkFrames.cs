using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace AiMesh.Hosting.Streams;

/// <summary>
/// The stream channel's framing: per chunk an ASCII header line <c>{sequence} {byteLength}\n</c>, then that many
/// bytes of UTF-8 data, then <c>\n</c>. The sequence travels so a reader can drop a repeat and spot a gap; the length
/// means the data needs no escaping and a reader never scans it.
/// </summary>
public static class ChunkFrames
{
    /// <summary>Largest data of one frame; a longer one is a broken stream, not a reason to buffer without end.</summary>
    public const int MaxDataBytes = 8 * 1024 * 1024;

    private const int MaxHeaderBytes = 24;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void Write(IBufferWriter<byte> output, int sequence, string data)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(data);
        var length = Encoding.UTF8.GetByteCount(data);
        var header = output.GetSpan(MaxHeaderBytes);
        Utf8Formatter.TryFormat(sequence, header, out var written);
        header[written++] = (byte)' ';
        Utf8Formatter.TryFormat(length, header[written..], out var lengthDigits);
        written += lengthDigits;
        header[written++] = (byte)'\n';
        output.Advance(written);

        var body = output.GetSpan(length + 1);
        Encoding.UTF8.GetBytes(data, body);
        body[length] = (byte)'\n';
        output.Advance(length + 1);
    }

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>.
    /// </summary>
    /// <returns><see cref="FrameRead.Frame"/> with the chunk; <see cref="FrameRead.NeedMore"/> when the frame is not all there yet;
    /// <see cref="FrameRead.Invalid"/> for bytes that are not a frame.</returns>
    public static FrameRead TryRead(ref ReadOnlySequence<byte> buffer, out int sequence, out string? data)
    {
        sequence = 0;
        data = null;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySpan<byte> header, (byte)'\n'))
        {
            return buffer.Length > MaxHeaderBytes ? FrameRead.Invalid : FrameRead.NeedMore;
        }

        var space = header.IndexOf((byte)' ');
        if (space <= 0 || header.Length > MaxHeaderBytes
            || !Utf8Parser.TryParse(header[..space], out sequence, out var used) || used != space || sequence < 0
            || !Utf8Parser.TryParse(header[(space + 1)..], out int length, out used) || used != header.Length - space - 1
            || length is < 0 or > MaxDataBytes)
        {
            return FrameRead.Invalid;
        }

        if (reader.Remaining < length + 1)
        {
            return FrameRead.NeedMore;
        }

        var payload = buffer.Slice(reader.Position, length);
        reader.Advance(length);
        if (!reader.TryRead(out var end) || end != (byte)'\n')
        {
            return FrameRead.Invalid;
        }

        try
        {
            data = Strict.GetString(payload);
        }
        catch (DecoderFallbackException)
        {
            return FrameRead.Invalid;
        }

        buffer = buffer.Slice(reader.Position);
        return FrameRead.Frame;
    }
}
