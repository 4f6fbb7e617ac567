using System.Net.Http.Headers;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests.Gemini;

/// <summary>A mock that trusts a fresh test service account, with helpers for Google's paths.</summary>
public abstract class GoogleMockTest : MockProviderTest, IDisposable
{
    protected const string Key = "AIza-mock-test-key";

    protected TestServiceAccount Account { get; } = new();

    protected override MockProviderOptions Options => new() { ServiceAccountPublicKeyPem = Account.PublicKeyPem };

    protected static string Generate(string userText, string extra = "") =>
        $$"""{"contents":[{"role":"user","parts":[{"text":{{JsonSerializer.Serialize(userText)}}}]}]{{extra}}}""";

    protected async Task<(HttpResponseMessage Response, JsonElement Json)> PostGoogleAsync(string path, string body, string? key = Key, string? bearer = null, string? scenario = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody(body) };
        if (key is not null)
        {
            request.Headers.Add("x-goog-api-key", key);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (scenario is not null)
        {
            request.Headers.Add("x-mock-scenario", scenario);
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    protected async Task<HttpResponseMessage> PostTokenAsync(string assertion, string path = "token")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), new("assertion", assertion)]),
        };
        return await Http.SendAsync(request);
    }

    protected async Task<string> TokenAsync()
    {
        using var response = await PostTokenAsync(Account.Assertion(new Uri(Mock.BaseAddress, "token").ToString()));
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>Google's error body: status name and code.</summary>
    protected static (string Status, int Code) GoogleError(JsonElement json) =>
        (json.GetProperty("error").GetProperty("status").GetString()!, json.GetProperty("error").GetProperty("code").GetInt32());

    public void Dispose()
    {
        Account.Dispose();
        GC.SuppressFinalize(this);
    }
}
