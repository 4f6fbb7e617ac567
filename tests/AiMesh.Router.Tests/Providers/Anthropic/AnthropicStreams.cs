namespace AiMesh.Router.Tests.Providers.Anthropic;

/// <summary>Anthropic streams in the shapes of Anthropic's documented examples, as event data lines.</summary>
internal static class AnthropicStreams
{
    public const string MessageStart = """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-upstream","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":10,"output_tokens":1}}}""";

    public const string Ping = """{"type": "ping"}""";

    public const string MessageStop = """{"type":"message_stop"}""";

    /// <summary>Text in two deltas, ended by end_turn.</summary>
    public static readonly string[] Text =
    [
        MessageStart,
        """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
        Ping,
        """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}""",
        """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" \"wörld\"\n"}}""",
        """{"type":"content_block_stop","index":0}""",
        """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}""",
        MessageStop,
    ];

    /// <summary>Thinking, text, then two tool uses (content blocks 1..3, tool calls 0 and 1).</summary>
    public static readonly string[] ThinkingAndTools =
    [
        MessageStart,
        """{"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}""",
        """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Two "}}""",
        """{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"lookups."}}""",
        """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCg"}}""",
        """{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"IYAhIM=="}}""",
        """{"type":"content_block_stop","index":0}""",
        """{"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}""",
        """{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Checking."}}""",
        """{"type":"content_block_stop","index":1}""",
        """{"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_01","name":"get_weather","input":{}}}""",
        """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}""",
        """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Pa"}}""",
        """{"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"ris\"}"}}""",
        """{"type":"content_block_stop","index":2}""",
        """{"type":"content_block_start","index":3,"content_block":{"type":"tool_use","id":"toolu_02","name":"get_time","input":{}}}""",
        """{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta"}}""",
        """{"type":"content_block_delta","index":3,"delta":{"type":"input_json_delta","partial_json":"{}"}}""",
        """{"type":"content_block_stop","index":3}""",
        """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":10,"output_tokens":80}}""",
        MessageStop,
    ];

    /// <summary>The SSE bytes Anthropic would send for <paramref name="events"/>: every event named, LF line ends.</summary>
    public static string Sse(IEnumerable<string> events) =>
        string.Concat(events.Select(data => $"event: {AnthropicCalls.Event(data).Type}\ndata: {data}\n\n"));
}
