using System.Text;

namespace AiMesh.Router.Transport;

/// <summary>
/// An incremental server-sent events parser, following the WHATWG "event stream interpretation" rules: lines
/// end with <c>\r\n</c>, <c>\n</c> or <c>\r</c>; <c>:</c> starts a comment; <c>data</c> lines of one event
/// join with <c>\n</c>; a blank line dispatches; an event not closed by a blank line when the stream ends is
/// never dispatched. Bytes may arrive split anywhere (inside a line ending or a UTF-8 sequence): lines are
/// kept as bytes and decoded only when complete. Pure: no I/O, one instance per stream.
/// </summary>
internal sealed class SseParser(int maxEventBytes = SseParser.DefaultMaxEventBytes) : IStreamDecoder
{
    /// <summary>Bounds the memory one misbehaving upstream can hold in a single event.</summary>
    public const int DefaultMaxEventBytes = 8 * 1024 * 1024;

    private byte[] line = new byte[256];
    private int lineLength;
    private byte[] data = new byte[1024];
    private int dataLength;
    private bool hasData;
    private string? eventType;
    private string? lastEventId;
    private bool pendingCarriageReturn;
    private bool firstLine = true;

    /// <summary>Parses <paramref name="bytes"/> and adds every event they complete to <paramref name="events"/>.</summary>
    /// <exception cref="InvalidDataException">One event grew past the size limit.</exception>
    public void Feed(ReadOnlySpan<byte> bytes, ICollection<SseEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (bytes.IsEmpty)
        {
            return;
        }

        // A \r ended the previous buffer: a \n opening this one belongs to the same line ending.
        if (pendingCarriageReturn)
        {
            pendingCarriageReturn = false;
            if (bytes[0] == (byte)'\n')
            {
                bytes = bytes[1..];
            }
        }

        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                AppendToLine(bytes);
                return;
            }

            AppendToLine(bytes[..end]);
            ProcessLine(events);
            var terminator = bytes[end];
            bytes = bytes[(end + 1)..];
            if (terminator == (byte)'\r')
            {
                if (bytes.IsEmpty)
                {
                    pendingCarriageReturn = true;
                }
                else if (bytes[0] == (byte)'\n')
                {
                    bytes = bytes[1..];
                }
            }
        }
    }

    private void AppendToLine(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        EnsureWithinLimit(dataLength + lineLength + bytes.Length);
        Grow(ref line, lineLength + bytes.Length);
        bytes.CopyTo(line.AsSpan(lineLength));
        lineLength += bytes.Length;
    }

    private void ProcessLine(ICollection<SseEvent> events)
    {
        var text = line.AsSpan(0, lineLength);
        lineLength = 0;
        if (firstLine)
        {
            firstLine = false;
            if (text.StartsWith("\uFEFF"u8))
            {
                text = text[3..];
            }
        }

        if (text.IsEmpty)
        {
            Dispatch(events);
            return;
        }

        if (text[0] == (byte)':')
        {
            return;
        }

        var colon = text.IndexOf((byte)':');
        var field = colon < 0 ? text : text[..colon];
        var value = colon < 0 ? [] : text[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (field.SequenceEqual("data"u8))
        {
            AppendToData(value);
        }
        else if (field.SequenceEqual("event"u8))
        {
            eventType = Encoding.UTF8.GetString(value);
        }
        else if (field.SequenceEqual("id"u8) && !value.Contains((byte)0))
        {
            lastEventId = Encoding.UTF8.GetString(value);
        }

        // "retry" and unknown fields are ignored, as the standard says.
    }

    private void AppendToData(ReadOnlySpan<byte> value)
    {
        var needed = dataLength + value.Length + 1;
        EnsureWithinLimit(needed);
        Grow(ref data, needed);
        value.CopyTo(data.AsSpan(dataLength));
        dataLength += value.Length;
        data[dataLength++] = (byte)'\n';
        hasData = true;
    }

    private void Dispatch(ICollection<SseEvent> events)
    {
        if (hasData)
        {
            // The last data line's \n is not part of the payload.
            var payload = Encoding.UTF8.GetString(data, 0, dataLength - 1);
            events.Add(new SseEvent(string.IsNullOrEmpty(eventType) ? SseEvent.DefaultType : eventType, payload, lastEventId));
        }

        dataLength = 0;
        hasData = false;
        eventType = null;
    }

    private void EnsureWithinLimit(int bytesHeld)
    {
        if (bytesHeld > maxEventBytes)
        {
            throw new InvalidDataException($"A server-sent event exceeded {maxEventBytes} bytes.");
        }
    }

    private static void Grow(ref byte[] buffer, int needed)
    {
        if (buffer.Length < needed)
        {
            Array.Resize(ref buffer, Math.Max(needed, buffer.Length * 2));
        }
    }
}
