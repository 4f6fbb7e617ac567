using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace AiMesh.MockProvider.Bedrock;

/// <summary>
/// Writes AWS event stream messages (<c>application/vnd.amazon.eventstream</c>), the framing of Bedrock's
/// ConverseStream: prelude (total length, headers length, CRC32 of those 8 bytes, all big-endian), headers,
/// payload, CRC32 of everything before. Written from the format's documentation, independently of the router's
/// decoder, so each checks the other.
/// </summary>
internal static class EventStreamEncoder
{
    private const byte StringType = 7;

    /// <summary>An <c>event</c> message as Bedrock sends it: <c>:event-type</c>, <c>:content-type</c>, <c>:message-type</c>.</summary>
    public static byte[] Event(string eventType, ReadOnlySpan<byte> json) =>
        Message(Headers((":event-type", eventType), (":content-type", "application/json"), (":message-type", "event")), json);

    /// <summary>An <c>exception</c> message, e.g. <c>throttlingException</c> with <c>{"message":…}</c>.</summary>
    public static byte[] Exception(string exceptionType, ReadOnlySpan<byte> json) =>
        Message(Headers((":exception-type", exceptionType), (":content-type", "application/json"), (":message-type", "exception")), json);

    /// <summary>String-valued headers in the wire form: name length, name, type 7, value length (16-bit), value.</summary>
    public static byte[] Headers(params (string Name, string Value)[] headers)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            var span = buffer.GetSpan(4 + nameBytes.Length + valueBytes.Length);
            span[0] = (byte)nameBytes.Length;
            nameBytes.CopyTo(span[1..]);
            span[1 + nameBytes.Length] = StringType;
            BinaryPrimitives.WriteUInt16BigEndian(span[(2 + nameBytes.Length)..], (ushort)valueBytes.Length);
            valueBytes.CopyTo(span[(4 + nameBytes.Length)..]);
            buffer.Advance(4 + nameBytes.Length + valueBytes.Length);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>One message around already encoded <paramref name="headers"/> (any value types) and a payload.</summary>
    public static byte[] Message(ReadOnlySpan<byte> headers, ReadOnlySpan<byte> payload)
    {
        var total = 12 + headers.Length + payload.Length + 4;
        var message = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(message, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)headers.Length);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), Crc32.HashToUInt32(message.AsSpan(0, 8)));
        headers.CopyTo(message.AsSpan(12));
        payload.CopyTo(message.AsSpan(12 + headers.Length));
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(total - 4), Crc32.HashToUInt32(message.AsSpan(0, total - 4)));
        return message;
    }
}
