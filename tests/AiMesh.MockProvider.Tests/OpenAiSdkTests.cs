using System.ClientModel;
using System.Text;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace AiMesh.MockProvider.Tests;

/// <summary>The official OpenAI .NET SDK must read the mock's answers as it reads the real API's.</summary>
public sealed class OpenAiSdkTests : MockProviderTest
{
    private OpenAIClientOptions ClientOptions(string? spec = null) => new()
    {
        Endpoint = new Uri(spec is null ? Mock.BaseAddress : Mock.ScenarioAddress(spec), "v1"),
    };

    private ChatClient Chat(string? spec = null) => new("mock-gpt", new ApiKeyCredential("sk-mock"), ClientOptions(spec));

    [Fact]
    public async Task Sdk_reads_a_whole_completion()
    {
        ChatCompletion completion = await Chat().CompleteChatAsync([new UserChatMessage("echo: hello from the sdk")]);

        Assert.Equal("hello from the sdk", Assert.Single(completion.Content).Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("mock-gpt", completion.Model);
        Assert.Equal(5, completion.Usage.InputTokenCount);
        Assert.Equal(4, completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task Sdk_reads_a_stream()
    {
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in Chat().CompleteChatStreamingAsync([new UserChatMessage("hi")], new ChatCompletionOptions { MaxOutputTokenCount = 100 }))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("This is a deterministic reply from the AiMesh", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(8, usage.OutputTokenCount);
    }

    [Fact]
    public async Task Sdk_reads_a_tool_call()
    {
        var options = new ChatCompletionOptions { ToolChoice = ChatToolChoice.CreateRequiredChoice() };
        options.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Weather", BinaryData.FromString("""{"type":"object","properties":{}}""")));

        ChatCompletion completion = await Chat().CompleteChatAsync([new UserChatMessage("weather?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("call_mock_1", call.Id);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("""{"mock":true}""", call.FunctionArguments.ToString());
    }

    [Fact]
    public async Task Sdk_reads_base64_embeddings()
    {
        var client = new EmbeddingClient("mock-embed", new ApiKeyCredential("sk-mock"), ClientOptions());

        OpenAIEmbedding embedding = await client.GenerateEmbeddingAsync("some text", new EmbeddingGenerationOptions { Dimensions = 12 });
        OpenAIEmbedding again = await client.GenerateEmbeddingAsync("some text", new EmbeddingGenerationOptions { Dimensions = 12 });

        Assert.Equal(12, embedding.ToFloats().Length);
        Assert.Equal(embedding.ToFloats().ToArray(), again.ToFloats().ToArray());
    }

    [Fact]
    public async Task Sdk_retries_a_429_once_the_scenario_lets_it_through()
    {
        ChatCompletion completion = await Chat("status=429;statusCount=1;retryAfter=0").CompleteChatAsync([new UserChatMessage("hi")]);

        await Mock.Recorder.WaitForAsync(r => r.StatusCode == 200, WaitTimeout);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal([429, 200], Mock.Recorder.Snapshot().Select(r => r.StatusCode));
    }

    [Fact]
    public async Task Sdk_surfaces_a_non_retryable_error_status()
    {
        var failure = await Assert.ThrowsAsync<ClientResultException>(() => Chat("status=401").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(401, failure.Status);
        Assert.Contains("invalid_api_key", failure.Message, StringComparison.Ordinal);
    }
}
