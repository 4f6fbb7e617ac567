using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AiMesh.MockProvider.Tests;

/// <summary>Each test gets its own mock on a real socket (xUnit creates a class instance per test).</summary>
public abstract class MockProviderTest : IAsyncLifetime
{
    protected static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(10);

    protected MockProviderHandle Mock { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    protected virtual MockProviderOptions Options => new();

    public async Task InitializeAsync()
    {
        Mock = await MockProviderServer.StartAsync(Options);
        Http = new HttpClient { BaseAddress = Mock.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Mock.DisposeAsync();
    }

    protected static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    protected static string ChatBody(string userText, bool stream = false, string extra = "") =>
        $$"""{"model":"mock-gpt","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"system","content":"be brief"},{"role":"user","content":{{JsonSerializer.Serialize(userText)}}}]{{extra}}}""";

    protected async Task<(HttpResponseMessage Response, JsonElement Json)> PostJsonAsync(string path, string body, string? scenarioHeader = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody(body) };
        if (scenarioHeader is not null)
        {
            request.Headers.Add("x-mock-scenario", scenarioHeader);
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>Sends a streamed request and returns the open response, headers read, body not yet.</summary>
    protected async Task<HttpResponseMessage> PostStreamAsync(string path, string body, string? scenarioHeader = null, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (scenarioHeader is not null)
        {
            request.Headers.Add("x-mock-scenario", scenarioHeader);
        }

        return await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>The stream's named events as (event name, data), in order, each data's <c>type</c> checked against its name (Anthropic's and Cohere's streams).</summary>
    protected static async Task<List<(string Name, JsonElement Data)>> ReadEventsAsync(HttpResponseMessage response)
    {
        var events = new List<(string, JsonElement)>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? name = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var data = JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                Assert.Equal(name, data.GetProperty("type").GetString());
                events.Add((name!, data));
            }
            else
            {
                Assert.True(line.Length == 0, $"Unexpected SSE line: {line}");
            }
        }

        return events;
    }
}
