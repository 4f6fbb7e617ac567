using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Azure;

/// <summary>The mock's Azure OpenAI paths: credentials, api-version, Azure's annotations and error bodies.</summary>
public sealed class AzureMockTests : MockProviderTest
{
    private const string ChatPath = "openai/deployments/prod-gpt/chat/completions?api-version=2024-10-21";

    [Fact]
    public async Task A_completion_is_openais_with_azures_filter_annotations_and_the_deployment_as_model()
    {
        using var response = await PostAsync(ChatPath, ChatBody("hello"));
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(("chat.completion", "prod-gpt"), (json.GetProperty("object").GetString(), json.GetProperty("model").GetString()));
        Assert.Equal(0, json.GetProperty("prompt_filter_results")[0].GetProperty("prompt_index").GetInt32());
        var choice = json.GetProperty("choices")[0];
        Assert.False(choice.GetProperty("content_filter_results").GetProperty("hate").GetProperty("filtered").GetBoolean());
        Assert.StartsWith("This is a deterministic", choice.GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_opens_with_the_prompt_filter_chunk()
    {
        using var response = await PostAsync(ChatPath, ChatBody("hello", stream: true), scenario: "tokens=2");
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync());
        var events = await sse.ReadAllAsync();

        var first = SseReader.Parse(events[0]);
        Assert.Equal((0, "", ""), (first.GetProperty("choices").GetArrayLength(), first.GetProperty("id").GetString(), first.GetProperty("model").GetString()));
        Assert.True(first.TryGetProperty("prompt_filter_results", out _));
        Assert.True(SseReader.Parse(events[2]).GetProperty("choices")[0].TryGetProperty("content_filter_results", out _));
        Assert.Equal(SseReader.Done, events[^1]);
    }

    [Theory]
    [InlineData(ChatPath, false, 401, "401")]
    [InlineData("openai/deployments/prod-gpt/chat/completions", true, 404, "404")]
    [InlineData("openai/deployments/prod-gpt/completions?api-version=2024-10-21", true, 404, "404")]
    public async Task Credentials_and_an_api_version_are_required(string path, bool key, int status, string code)
    {
        using var response = await PostAsync(path, ChatBody("hi"), key: key);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal((status, code), ((int)response.StatusCode, error.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_bearer_token_is_accepted_on_the_v1_surface_with_the_model_in_the_body()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "openai/v1/chat/completions") { Content = JsonBody(ChatBody("hi")) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "entra-token");
        using var response = await Http.SendAsync(request);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal((200, "mock-gpt"), ((int)response.StatusCode, json.GetProperty("model").GetString()));
    }

    [Fact]
    public async Task A_prompt_the_filter_blocks_is_a_400_with_the_policy_violation()
    {
        using var response = await PostAsync(ChatPath, ChatBody("filter: bad things"));
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");

        Assert.Equal((400, "content_filter"), ((int)response.StatusCode, error.GetProperty("code").GetString()));
        Assert.Equal("ResponsibleAIPolicyViolation", error.GetProperty("innererror").GetProperty("code").GetString());
        Assert.True(error.GetProperty("innererror").GetProperty("content_filter_result").GetProperty("violence").GetProperty("filtered").GetBoolean());
    }

    [Fact]
    public async Task A_rate_limit_says_when_in_seconds_and_milliseconds()
    {
        using var response = await PostAsync(ChatPath, ChatBody("hi"), scenario: "status=429;retryAfter=3");

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(("3", "3000"), (response.Headers.GetValues("retry-after").Single(), response.Headers.GetValues("retry-after-ms").Single()));
        Assert.Equal("429", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        var recorded = await Mock.Recorder.WaitForAsync(r => r.Path == "/openai/deployments/prod-gpt/chat/completions", WaitTimeout);
        Assert.Equal("?api-version=2024-10-21", recorded.Query);
    }

    [Fact]
    public async Task Embeddings_are_served_on_the_deployments_path()
    {
        using var response = await PostAsync("openai/deployments/prod-embed/embeddings?api-version=2024-10-21", """{"input":["a","b"]}""");
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal((200, 2, "prod-embed"), ((int)response.StatusCode, json.GetProperty("data").GetArrayLength(), json.GetProperty("model").GetString()));
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body, string? scenario = null, bool key = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (key)
        {
            request.Headers.Add("api-key", "azure-mock-key");
        }

        if (scenario is not null)
        {
            request.Headers.Add("x-mock-scenario", scenario);
        }

        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
