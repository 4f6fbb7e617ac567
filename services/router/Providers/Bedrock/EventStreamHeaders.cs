using System.Buffers.Binary;
using System.Text;

namespace AiMesh.Router.Providers.Bedrock;

/// <summary>
/// The headers of one event stream message that say what it is. Each header on the wire: name length (1 byte),
/// name, value type (1 byte), value; the ten value types are bool true (0) and false (1), byte (2), int16 (3),
/// int32 (4), int64 (5), bytes (6) and string (7) with a 16-bit length, timestamp (8, int64) and UUID (9, 16
/// bytes). Every type is stepped over; only the string headers below are kept.
/// </summary>
internal readonly record struct EventStreamHeaders(string? MessageType, string? EventType, string? ExceptionType, string? ErrorCode, string? ErrorMessage)
{
    /// <exception cref="InvalidDataException">A header runs past the end or has an unknown value type.</exception>
    public static EventStreamHeaders Read(ReadOnlySpan<byte> headers)
    {
        var result = default(EventStreamHeaders);
        while (!headers.IsEmpty)
        {
            var nameLength = headers[0];
            Need(headers, 1 + nameLength + 1);
            var name = headers.Slice(1, nameLength);
            var type = headers[1 + nameLength];
            headers = headers[(2 + nameLength)..];
            var valueLength = type switch
            {
                0 or 1 => 0,
                2 => 1,
                3 => 2,
                4 => 4,
                5 or 8 => 8,
                9 => 16,
                6 or 7 => 2 + Length(headers),
                _ => throw new InvalidDataException("An event stream header has an unknown value type."),
            };
            Need(headers, valueLength);
            if (type == 7)
            {
                result = result.With(name, Encoding.UTF8.GetString(headers[2..valueLength]));
            }

            headers = headers[valueLength..];
        }

        return result;
    }

    private EventStreamHeaders With(ReadOnlySpan<byte> name, string value) => name switch
    {
        _ when name.SequenceEqual(":message-type"u8) => this with { MessageType = value },
        _ when name.SequenceEqual(":event-type"u8) => this with { EventType = value },
        _ when name.SequenceEqual(":exception-type"u8) => this with { ExceptionType = value },
        _ when name.SequenceEqual(":error-code"u8) => this with { ErrorCode = value },
        _ when name.SequenceEqual(":error-message"u8) => this with { ErrorMessage = value },
        _ => this,
    };

    private static int Length(ReadOnlySpan<byte> headers)
    {
        Need(headers, 2);
        return BinaryPrimitives.ReadUInt16BigEndian(headers);
    }

    private static void Need(ReadOnlySpan<byte> headers, int bytes)
    {
        if (headers.Length < bytes)
        {
            throw new InvalidDataException("An event stream header runs past the end of the headers.");
        }
    }
}
