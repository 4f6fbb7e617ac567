using System.Buffers.Binary;
using AiMesh.MockProvider.Bedrock;
using AiMesh.Router.Providers.Bedrock;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Tests.Providers.Bedrock;

public sealed class EventStreamDecoderTests
{
    /// <summary>Messages byte for byte from awslabs/aws-c-event-stream (tests/message_deserializer_test.c), with their checksums.</summary>
    public static TheoryData<byte[], string[], string> AwsVectors() => new()
    {
        { [0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff], [], "" },
        {
            [0x00, 0x00, 0x00, 0x1D, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x52, 0x8c, 0x5a, 0x7b, 0x27, 0x66, 0x6f, 0x6f, 0x27, 0x3a, 0x27, 0x62, 0x61,
                0x72, 0x27, 0x7d, 0xc3, 0x65, 0x39, 0x36],
            [], "{'foo':'bar'}"
        },
        {
            [0x00, 0x00, 0x00, 0x3D, 0x00, 0x00, 0x00, 0x20, 0x07, 0xFD, 0x83, 0x96, 0x0C, .. "content-type"u8, 0x07, 0x00, 0x10,
                .. "application/json"u8, .. "{'foo':'bar'}"u8, 0x8D, 0x9C, 0x08, 0xB1],
            ["content-type", "application/json"], "{'foo':'bar'}"
        },
    };

    [Theory]
    [MemberData(nameof(AwsVectors))]
    public void The_encoder_reproduces_aws_vectors_and_the_decoder_checks_them(byte[] vector, string[] header, string payload)
    {
        var headers = header.Length == 0 ? [] : EventStreamEncoder.Headers((header[0], header[1]));
        Assert.Equal(vector, EventStreamEncoder.Message(headers, System.Text.Encoding.UTF8.GetBytes(payload)));

        // Both checksums hold; the vectors name no :message-type, which every Bedrock message has, so each is refused for that alone.
        var refused = Assert.Throws<InvalidDataException>(() => new EventStreamDecoder().Feed(vector, new List<SseEvent>()));
        Assert.Contains(":message-type", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Steps_over_a_header_of_every_value_type()
    {
        // The headers of AWS's all_headers vector (lengths and prelude checksum as published), plus the two Bedrock sends.
        var headers = EventStreamFrames.AllHeadersVector();
        var vector = EventStreamEncoder.Message(headers, "{'foo':'bar'}"u8);
        Assert.Equal(204u, BinaryPrimitives.ReadUInt32BigEndian(vector));
        Assert.Equal(175u, BinaryPrimitives.ReadUInt32BigEndian(vector.AsSpan(4)));
        Assert.Equal(263087306u, BinaryPrimitives.ReadUInt32BigEndian(vector.AsSpan(8)));

        var withType = EventStreamEncoder.Message(
            [.. headers, .. EventStreamEncoder.Headers((":message-type", "event"), (":event-type", "messageStart"))], """{"role":"assistant"}"""u8);
        var events = new List<SseEvent>();
        new EventStreamDecoder().Feed(withType, events);
        Assert.Equal(new SseEvent("messageStart", """{"role":"assistant"}"""), Assert.Single(events));

        // A value type past the ten the format defines is malformed.
        var unknownType = EventStreamEncoder.Message([1, (byte)'x', 10, .. EventStreamEncoder.Headers((":message-type", "event"))], []);
        Assert.Throws<InvalidDataException>(() => new EventStreamDecoder().Feed(unknownType, new List<SseEvent>()));
    }

    [Fact]
    public void Names_events_exceptions_and_errors_as_the_stream_union_does()
    {
        var error = EventStreamEncoder.Message(
            EventStreamEncoder.Headers((":message-type", "error"), (":error-code", "InternalFailure"), (":error-message", "it \"broke\"")), []);
        var events = Decode(EventStreamFrames.Concat(
            EventStreamFrames.Event("contentBlockDelta", """{"delta":{"text":"hé"}}"""),
            EventStreamFrames.Exception("throttlingException", """{"message":"slow down"}"""),
            error));

        Assert.Equal(
            [
                new SseEvent("contentBlockDelta", """{"delta":{"text":"hé"}}"""),
                new SseEvent("throttlingException", """{"message":"slow down"}"""),
                new SseEvent("error", """{"code":"InternalFailure","message":"it \u0022broke\u0022"}"""),
            ],
            events);
    }

    [Fact]
    public void The_same_bytes_split_at_every_offset_give_the_same_events()
    {
        var stream = EventStreamFrames.ToolAnswer();
        var whole = Decode(stream);
        Assert.Equal(9, whole.Count);

        for (var split = 0; split <= stream.Length; split++)
        {
            var events = new List<SseEvent>();
            var decoder = new EventStreamDecoder();
            decoder.Feed(stream.AsSpan(0, split), events);
            decoder.Feed(stream.AsSpan(split), events);
            Assert.Equal(whole, events);
        }

        // And byte by byte.
        var oneByOne = new List<SseEvent>();
        var bytewise = new EventStreamDecoder();
        foreach (var b in stream)
        {
            bytewise.Feed([b], oneByOne);
        }

        Assert.Equal(whole, oneByOne);
    }

    [Theory]
    [InlineData(8, "prelude checksum")]
    [InlineData(0, "prelude checksum")]
    [InlineData(20, "checksum")]
    public void A_flipped_bit_is_a_malformed_stream_and_stays_one(int offset, string expected)
    {
        var frame = EventStreamFrames.Event("messageStart", """{"role":"assistant"}""");
        frame[offset] ^= 0x01;
        var decoder = new EventStreamDecoder();

        var error = Assert.Throws<InvalidDataException>(() => decoder.Feed(frame, new List<SseEvent>()));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => decoder.Feed(EventStreamFrames.Event("messageStart", "{}"), new List<SseEvent>()));
    }

    [Fact]
    public void Impossible_lengths_are_refused_before_anything_is_buffered()
    {
        // A valid prelude checksum over a declared size past the bound: refused from the 12 bytes alone.
        var prelude = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(prelude, 64 * 1024 * 1024);
        BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(8), System.IO.Hashing.Crc32.HashToUInt32(prelude.AsSpan(0, 8)));
        Assert.Throws<InvalidDataException>(() => new EventStreamDecoder().Feed(prelude, new List<SseEvent>()));

        var headersTooLong = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(headersTooLong, 20);
        BinaryPrimitives.WriteUInt32BigEndian(headersTooLong.AsSpan(4), 5);
        BinaryPrimitives.WriteUInt32BigEndian(headersTooLong.AsSpan(8), System.IO.Hashing.Crc32.HashToUInt32(headersTooLong.AsSpan(0, 8)));
        Assert.Throws<InvalidDataException>(() => new EventStreamDecoder().Feed(headersTooLong, new List<SseEvent>()));
    }

    [Fact]
    public void A_stream_cut_mid_frame_yields_the_whole_frames_and_holds_the_rest()
    {
        var stream = EventStreamFrames.ToolAnswer();
        var events = new List<SseEvent>();
        new EventStreamDecoder().Feed(stream.AsSpan(0, stream.Length - 3), events);
        Assert.Equal(8, events.Count);
    }

    [Fact]
    public void Arbitrary_and_mutated_bytes_never_throw_anything_but_invalid_data()
    {
        var random = new Random(20261122);
        var valid = EventStreamFrames.ToolAnswer();
        for (var run = 0; run < 3000; run++)
        {
            byte[] input;
            if (run % 3 == 0)
            {
                input = new byte[random.Next(0, 300)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])valid.Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(256);
                }
            }

            var decoder = new EventStreamDecoder(maxMessageBytes: 4096);
            var events = new List<SseEvent>();
            try
            {
                for (var at = 0; at < input.Length;)
                {
                    var size = Math.Min(random.Next(1, 64), input.Length - at);
                    decoder.Feed(input.AsSpan(at, size), events);
                    at += size;
                }
            }
            catch (InvalidDataException)
            {
                // The one way a malformed stream may end.
            }

            Assert.All(events, e => Assert.False(string.IsNullOrEmpty(e.Type)));
        }
    }

    private static List<SseEvent> Decode(byte[] bytes)
    {
        var events = new List<SseEvent>();
        new EventStreamDecoder().Feed(bytes, events);
        return events;
    }
}
