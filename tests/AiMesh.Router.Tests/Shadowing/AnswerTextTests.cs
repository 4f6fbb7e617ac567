using AiMesh.Router.Shadowing;

namespace AiMesh.Router.Tests.Shadowing;

/// <summary>The text of an answer as the client received it (services/router/Shadowing/AnswerText.cs).</summary>
public sealed class AnswerTextTests
{
    [Fact]
    public void A_whole_chat_answer_gives_every_choice_s_message_content()
    {
        const string body = """
            {"object":"chat.completion","choices":[
              {"index":0,"message":{"role":"assistant","content":"Hello there."}},
              {"index":1,"message":{"role":"assistant","content":[{"type":"text","text":"Second"},{"type":"text","text":"choice"}]}}]}
            """;

        Assert.Equal("Hello there. Second choice", AnswerText.OfAnswer("chat.completions", body));
    }

    [Fact]
    public void A_stream_gives_its_deltas_concatenated_in_order()
    {
        string[] chunks =
        [
            """{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""",
            """{"choices":[{"index":0,"delta":{"content":"Hel"}}]}""",
            """{"choices":[{"index":0,"delta":{"content":"lo world"}}]}""",
            """{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
            """{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""",
        ];

        Assert.Equal("Hello world", AnswerText.OfChunks("chat.completions", chunks));
    }

    [Fact]
    public void Interleaved_deltas_of_two_choices_stay_apart()
    {
        string[] chunks =
        [
            """{"choices":[{"index":1,"delta":{"content":"wor"}},{"index":0,"delta":{"content":"Hel"}}]}""",
            """{"choices":[{"index":0,"delta":{"content":"lo"}},{"index":1,"delta":{"content":"ld"}}]}""",
        ];

        Assert.Equal("Hello world", AnswerText.OfChunks("chat.completions", chunks));
    }

    [Fact]
    public void Tool_calls_without_content_embeddings_and_unreadable_bodies_give_no_text()
    {
        const string toolCall = """{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"function":{"name":"f","arguments":"{}"}}]}}]}""";

        Assert.Null(AnswerText.OfAnswer("chat.completions", toolCall));
        Assert.Null(AnswerText.OfAnswer("embeddings", """{"data":[{"embedding":[0.1]}]}"""));
        Assert.Null(AnswerText.OfAnswer("chat.completions", "not json"));
        Assert.Null(AnswerText.OfAnswer("chat.completions", null));
        Assert.Null(AnswerText.OfChunks("chat.completions", []));
    }
}
