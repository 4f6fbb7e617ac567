using AiMesh.Router.Providers;
using AiMesh.Router.Providers.OpenAi;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Tests.Providers;

public sealed class OpenAiStreamTranslatorTests
{
    private const string Delta = """{"id":"c","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}""";
    private const string DeltaWithNullUsage = """{"id":"c","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}],"usage":null}""";
    private const string UsageOnly = """{"id":"c","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":9}}""";

    [Fact]
    public void Forwards_content_chunks_verbatim()
    {
        var step = new OpenAiStreamTranslator(clientIncludeUsage: false).Translate(new SseEvent("message", Delta));
        Assert.Equal(StreamStep.Forward(Delta), step);

        var withNullUsage = new OpenAiStreamTranslator(clientIncludeUsage: false).Translate(new SseEvent("message", DeltaWithNullUsage));
        Assert.Equal(StreamStep.Forward(DeltaWithNullUsage), withNullUsage);
    }

    [Fact]
    public void Hides_the_usage_chunk_the_client_did_not_ask_for_but_keeps_its_usage()
    {
        var step = new OpenAiStreamTranslator(clientIncludeUsage: false).Translate(new SseEvent("message", UsageOnly));
        Assert.Equal(StreamStepKind.Skip, step.Kind);
        Assert.Equal(new(4, 9), step.Usage);
    }

    [Fact]
    public void Forwards_the_usage_chunk_when_the_client_asked_for_it()
    {
        var step = new OpenAiStreamTranslator(clientIncludeUsage: true).Translate(new SseEvent("message", UsageOnly));
        Assert.Equal(StreamStepKind.Forward, step.Kind);
        Assert.Equal(UsageOnly, step.Chunk);
        Assert.Equal(new(4, 9), step.Usage);
    }

    [Fact]
    public void Ends_on_done_only()
    {
        var translator = new OpenAiStreamTranslator(clientIncludeUsage: false);
        Assert.Equal(StreamStepKind.Done, translator.Translate(new SseEvent("message", "[DONE]")).Kind);
        Assert.Equal(StreamStepKind.Forward, translator.Translate(new SseEvent("message", """{"choices":[{"finish_reason":"stop"}]}""")).Kind);
    }

    [Fact]
    public void Reports_an_error_event()
    {
        var step = new OpenAiStreamTranslator(clientIncludeUsage: false)
            .Translate(new SseEvent("message", """{"error":{"message":"overloaded","type":"server_error"}}"""));
        Assert.Equal(StreamStepKind.Failed, step.Kind);
        Assert.Equal("overloaded", step.Error!.Message);
    }

    [Fact]
    public void Passes_a_chunk_that_is_not_json_through()
    {
        var step = new OpenAiStreamTranslator(clientIncludeUsage: false).Translate(new SseEvent("message", "{\"usage\": broken"));
        Assert.Equal(StreamStepKind.Forward, step.Kind);
    }
}
