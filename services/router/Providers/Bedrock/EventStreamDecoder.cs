using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// An incremental decoder of the AWS event stream (<c>application/vnd.amazon.eventstream</c>) that ConverseStream
/// answers with. Each message: a prelude (total length, headers length, both big-endian 32-bit, and the CRC32 of
/// those 8 bytes), the headers, the payload, and the CRC32 of everything before it. Bytes may arrive split
/// anywhere; at most one incomplete message is held, and a message may not exceed the bound.
/// <para>
/// Each message becomes one event, named as the ConverseStream union names its members:
/// <c>:message-type</c> <c>event</c> gives the <c>:event-type</c> (<c>contentBlockDelta</c>…) with the JSON payload;
/// <c>exception</c> gives the <c>:exception-type</c> (<c>throttlingException</c>…) with its JSON payload
/// (<c>{"message":…}</c>); <c>error</c> gives <c>error</c> with <c>{"code":…,"message":…}</c> from its headers.
/// A CRC mismatch, a length that does not add up, a malformed header or an unknown message type is an
/// <see cref="InvalidDataException"/> (the transport's invalid-response failure); once failed, it stays failed.
/// </para>
/// </summary>
internal sealed class EventStreamDecoder(int maxMessageBytes = EventStreamDecoder.DefaultMaxMessageBytes) : IStreamDecoder
{
    /// <summary>AWS bounds a message at 16 MiB of payload and 128 KiB of headers.</summary>
    public const int DefaultMaxMessageBytes = (16 * 1024 * 1024) + (128 * 1024) + Overhead;

    public const string ErrorEvent = "error";

    // Prelude (12) and message CRC (4).
    private const int PreludeBytes = 12;
    private const int Overhead = PreludeBytes + 4;

    private byte[] buffer = new byte[4096];
    private int length;
    private bool failed;

    public void Feed(ReadOnlySpan<byte> bytes, ICollection<SseEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (failed)
        {
            throw new InvalidDataException("The event stream was already malformed.");
        }

        try
        {
            Append(bytes);
            var offset = 0;
            while (length - offset >= PreludeBytes)
            {
                var total = ReadPrelude(buffer.AsSpan(offset, PreludeBytes));
                if (length - offset < total)
                {
                    break;
                }

                events.Add(Decode(buffer.AsSpan(offset, total)));
                offset += total;
            }

            // Keep only the incomplete message, at the front.
            buffer.AsSpan(offset, length - offset).CopyTo(buffer);
            length -= offset;
        }
        catch (InvalidDataException)
        {
            failed = true;
            throw;
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (length + bytes.Length > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(length + bytes.Length, buffer.Length * 2));
        }

        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
    }

    /// <returns>The message's total length, checked before any of it is buffered beyond the prelude.</returns>
    private int ReadPrelude(ReadOnlySpan<byte> prelude)
    {
        var total = BinaryPrimitives.ReadUInt32BigEndian(prelude);
        var headers = BinaryPrimitives.ReadUInt32BigEndian(prelude[4..]);
        if (BinaryPrimitives.ReadUInt32BigEndian(prelude[8..]) != Crc32.HashToUInt32(prelude[..8]))
        {
            throw new InvalidDataException("An event stream message failed its prelude checksum.");
        }

        if (total < Overhead || total > (uint)maxMessageBytes || headers > total - Overhead)
        {
            throw new InvalidDataException($"An event stream message declared impossible lengths (total {total}, headers {headers}).");
        }

        return (int)total;
    }

    private static SseEvent Decode(ReadOnlySpan<byte> message)
    {
        var crcAt = message.Length - 4;
        if (BinaryPrimitives.ReadUInt32BigEndian(message[crcAt..]) != Crc32.HashToUInt32(message[..crcAt]))
        {
            throw new InvalidDataException("An event stream message failed its checksum.");
        }

        var headersLength = (int)BinaryPrimitives.ReadUInt32BigEndian(message[4..]);
        var headers = EventStreamHeaders.Read(message.Slice(PreludeBytes, headersLength));
        var payload = message[(PreludeBytes + headersLength)..crcAt];
        return headers.MessageType switch
        {
            "event" => new SseEvent(headers.EventType ?? throw Malformed(":event-type"), Encoding.UTF8.GetString(payload)),
            "exception" => new SseEvent(headers.ExceptionType ?? throw Malformed(":exception-type"), Encoding.UTF8.GetString(payload)),
            "error" => new SseEvent(ErrorEvent, ErrorPayload(headers.ErrorCode, headers.ErrorMessage)),
            null => throw Malformed(":message-type"),
            _ => throw new InvalidDataException("An event stream message has an unknown :message-type."),
        };
    }

    private static string ErrorPayload(string? code, string? message)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("code", code);
            writer.WriteString("message", message);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static InvalidDataException Malformed(string header) =>
        new($"An event stream message lacks its {header} header.");
}
