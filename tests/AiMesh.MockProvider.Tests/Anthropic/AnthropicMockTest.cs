using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Anthropic;

/// <summary>Posts to the mock's Messages API as Anthropic's clients do (key and version headers) and reads its named events.</summary>
public abstract class AnthropicMockTest : MockProviderTest
{
    protected const string Tool = """{"name":"lookup","description":"Looks things up","input_schema":{"type":"object","properties":{"q":{"type":"string"}}}}""";

    protected static string MessagesBody(string userText, bool stream = false, string extra = "") =>
        $$"""{"model":"mock-claude","max_tokens":4096,"stream":{{(stream ? "true" : "false")}},"system":"be brief","messages":[{"role":"user","content":{{JsonSerializer.Serialize(userText)}}}]{{extra}}}""";

    protected async Task<HttpResponseMessage> PostMessagesAsync(string body, string path = "v1/messages", string? scenario = null, bool key = true, bool version = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (key)
        {
            request.Headers.Add("x-api-key", "sk-ant-mock");
        }

        if (version)
        {
            request.Headers.Add("anthropic-version", "2023-06-01");
        }

        if (scenario is not null)
        {
            request.Headers.Add("x-mock-scenario", scenario);
        }

        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    protected async Task<JsonElement> MessageAsync(string body, string? scenario = null)
    {
        using var response = await PostMessagesAsync(body, scenario: scenario);
        Assert.Equal(200, (int)response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    protected static void AssertError(JsonElement body, string type)
    {
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal(type, body.GetProperty("error").GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetProperty("message").GetString()));
    }
}
