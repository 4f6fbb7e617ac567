namespace AiMesh.Router.Tests.Providers.Cohere;

/// <summary>Cohere v2 chat streams as its API reference shows them.</summary>
internal static class CohereStreams
{
    public const string MessageStart =
        """{"id":"29f14a5a-11de-4cae-9800-25e4747408ea","type":"message-start","delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}}""";

    public static readonly string[] Text =
    [
        MessageStart,
        """{"type":"content-start","index":0,"delta":{"message":{"content":{"type":"text","text":""}}}}""",
        """{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"Hello"}}},"logprobs":null}""",
        """{"type":"content-delta","index":0,"delta":{"message":{"content":{"text":" \"wörld\"\n"}}}}""",
        """{"type":"content-end","index":0}""",
        """{"type":"citation-start","index":0,"delta":{"message":{"citations":{"start":0,"end":5,"text":"Hello","sources":[]}}}}""",
        """{"type":"citation-end","index":0}""",
        """{"type":"message-end","delta":{"finish_reason":"COMPLETE","usage":{"billed_units":{"input_tokens":3,"output_tokens":2},"tokens":{"input_tokens":69,"output_tokens":2}}}}""",
    ];

    public static readonly string[] Tools =
    [
        MessageStart,
        """{"type":"tool-plan-delta","delta":{"message":{"tool_plan":"I will look"}}}""",
        """{"type":"tool-plan-delta","delta":{"message":{"tool_plan":" it up."}}}""",
        """{"type":"tool-call-start","index":0,"delta":{"message":{"tool_calls":{"id":"get_weather_nsz5zm3w56q3","type":"function","function":{"name":"get_weather","arguments":""}}}}}""",
        """{"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"{\"location\":"}}}}}""",
        """{"type":"tool-call-delta","index":0,"delta":{"message":{"tool_calls":{"function":{"arguments":"\"Toronto\"}"}}}}}""",
        """{"type":"tool-call-end","index":0}""",
        """{"type":"tool-call-start","index":1,"delta":{"message":{"tool_calls":{"id":"get_time_1","type":"function","function":{"name":"get_time","arguments":"{}"}}}}}""",
        """{"type":"tool-call-end","index":1}""",
        """{"type":"message-end","delta":{"finish_reason":"TOOL_CALL","usage":{"billed_units":{"input_tokens":37,"output_tokens":28},"tokens":{"input_tokens":1032,"output_tokens":62},"cached_tokens":512}}}""",
    ];
}
