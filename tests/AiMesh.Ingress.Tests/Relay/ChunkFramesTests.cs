using System.Buffers;
using System.Text;
using AiMesh.Hosting.Streams;

namespace AiMesh.Ingress.Tests.Relay;

/// <summary>The stream channel's framing, as the ingress reads what a router wrote.</summary>
public sealed class ChunkFramesTests
{
    private static readonly (int Sequence, string Data)[] Chunks =
    [
        (0, """{"choices":[{"delta":{"role":"assistant","content":""}}]}"""),
        (1, "line one\nline two\n\n data: not an event"),
        (2, "héllo 世界 🙂 \"quoted\""),
        (3, ""),
        (12345, new string('x', 70_000)),
    ];

    [Fact]
    public void Frames_read_back_exactly_what_was_written()
    {
        var read = ReadAll(Written(), splitAt: null);
        Assert.Equal(Chunks, read);
    }

    [Fact]
    public void The_same_bytes_split_at_every_offset_read_back_the_same()
    {
        var small = Chunks.Take(4).ToArray();
        var bytes = Written(small);
        for (var offset = 0; offset <= bytes.Length; offset++)
        {
            Assert.Equal(small, ReadAll(bytes, offset));
        }
    }

    [Theory]
    [InlineData("x 3\nabc\n")]
    [InlineData("-1 3\nabc\n")]
    [InlineData("1 -3\nabc\n")]
    [InlineData("1 3\nabcd\n")]
    [InlineData("1 99999999999\n")]
    [InlineData("1 9000000\n")]
    [InlineData("13\nabc\n")]
    [InlineData("1 3 \nabc\n")]
    [InlineData("123456789012345678901234567890\n")]
    public void Bytes_that_are_not_a_frame_are_invalid(string text)
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(text));
        Assert.Equal(FrameRead.Invalid, ChunkFrames.TryRead(ref buffer, out _, out _));
    }

    [Fact]
    public void Data_that_is_not_utf8_is_invalid()
    {
        var buffer = new ReadOnlySequence<byte>([(byte)'0', (byte)' ', (byte)'2', (byte)'\n', 0xC3, 0x28, (byte)'\n']);
        Assert.Equal(FrameRead.Invalid, ChunkFrames.TryRead(ref buffer, out _, out _));
    }

    [Fact]
    public void A_frame_not_all_there_asks_for_more_and_consumes_nothing()
    {
        var buffer = new ReadOnlySequence<byte>("7 10\nabc"u8.ToArray());
        Assert.Equal(FrameRead.NeedMore, ChunkFrames.TryRead(ref buffer, out _, out _));
        Assert.Equal(8, buffer.Length);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(20261122);
        var valid = Written(Chunks.Take(4).ToArray());
        for (var round = 0; round < 2000; round++)
        {
            var bytes = round % 2 == 0 ? new byte[random.Next(0, 64)] : (byte[])valid.Clone();
            if (round % 2 == 0)
            {
                random.NextBytes(bytes);
            }
            else
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            var buffer = new ReadOnlySequence<byte>(bytes);
            var steps = 0;
            while (ChunkFrames.TryRead(ref buffer, out _, out _) == FrameRead.Frame)
            {
                Assert.True(++steps <= bytes.Length, "every frame consumes bytes");
            }
        }
    }

    private static byte[] Written((int Sequence, string Data)[]? chunks = null)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var (sequence, data) in chunks ?? Chunks)
        {
            ChunkFrames.Write(output, sequence, data);
        }

        return output.WrittenSpan.ToArray();
    }

    private static List<(int, string)> ReadAll(byte[] bytes, int? splitAt)
    {
        // Fed as a reader would get them: the first part, then everything, keeping what was not consumed.
        var read = new List<(int, string)>();
        var consumed = 0;
        foreach (var available in splitAt is { } split ? new[] { split, bytes.Length } : [bytes.Length])
        {
            var buffer = new ReadOnlySequence<byte>(bytes, consumed, available - consumed);
            var before = buffer.Length;
            while (ChunkFrames.TryRead(ref buffer, out var sequence, out var data) == FrameRead.Frame)
            {
                read.Add((sequence, data!));
            }

            consumed += (int)(before - buffer.Length);
        }

        Assert.Equal(bytes.Length, consumed);
        return read;
    }
}
