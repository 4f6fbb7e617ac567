using System.Text;
using AiMesh.MockProvider.Bedrock;

namespace AiMesh.Router.Tests.Providers.Bedrock;

/// <summary>Event stream bytes for the decoder tests, written with the mock provider's encoder (an independent implementation).</summary>
internal static class EventStreamFrames
{
    public static byte[] Event(string type, string json) => EventStreamEncoder.Event(type, Encoding.UTF8.GetBytes(json));

    public static byte[] Exception(string type, string json) => EventStreamEncoder.Exception(type, Encoding.UTF8.GetBytes(json));

    public static byte[] Concat(params byte[][] frames) => [.. frames.SelectMany(f => f)];

    /// <summary>A ConverseStream answer: text, then a tool call whose input arrives in pieces, then the stop and the usage.</summary>
    public static byte[] ToolAnswer() => Concat(
        Event("messageStart", """{"p":"abc","role":"assistant"}"""),
        Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Let me check"},"p":"abcdef"}"""),
        Event("contentBlockStop", """{"contentBlockIndex":0,"p":"a"}"""),
        Event("contentBlockStart", """{"contentBlockIndex":1,"start":{"toolUse":{"toolUseId":"tooluse_1","name":"get_weather"}},"p":"ab"}"""),
        Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"city\":"}},"p":"abcd"}"""),
        Event("contentBlockDelta", """{"contentBlockIndex":1,"delta":{"toolUse":{"input":"\"Paris\"}"}},"p":"abcde"}"""),
        Event("contentBlockStop", """{"contentBlockIndex":1,"p":"abc"}"""),
        Event("messageStop", """{"stopReason":"tool_use","p":"abcdefgh"}"""),
        Event("metadata", """{"usage":{"inputTokens":20,"outputTokens":9,"totalTokens":29,"cacheReadInputTokens":5},"metrics":{"latencyMs":321},"p":"ab"}"""));

    /// <summary>
    /// The headers of the "all_headers" event stream test vector (aws-sdk-go private/protocol/eventstream/testdata,
    /// decoded/positive/all_headers), as its decoded form lists them: one header of every value type, 175 bytes.
    /// </summary>
    public static byte[] AllHeadersVector()
    {
        var bytes = new List<byte>();
        void Name(string name, byte type)
        {
            bytes.Add((byte)name.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(name));
            bytes.Add(type);
        }

        Name("event-type", 4);
        bytes.AddRange([0x00, 0x00, 0xA0, 0x0C]); // 40972
        Name("content-type", 7);
        bytes.AddRange([0x00, 0x10]);
        bytes.AddRange("application/json"u8.ToArray());
        Name("bool false", 1);
        Name("bool true", 0);
        Name("byte", 2);
        bytes.Add(0xCF); // 207
        Name("byte buf", 6);
        bytes.AddRange([0x00, 0x14]);
        bytes.AddRange("I'm a little teapot!"u8.ToArray());
        Name("timestamp", 8);
        bytes.AddRange([0x00, 0x00, 0x00, 0x00, 0x00, 0x84, 0x5F, 0xED]); // 8675309
        Name("int16", 3);
        bytes.AddRange([0x00, 0x2A]); // 42
        Name("int64", 5);
        bytes.AddRange([0x00, 0x00, 0x00, 0x00, 0x02, 0x87, 0x57, 0xB2]); // 42424242
        Name("uuid", 9);
        bytes.AddRange(Enumerable.Range(0, 16).Select(i => (byte)i));
        return [.. bytes];
    }
}
