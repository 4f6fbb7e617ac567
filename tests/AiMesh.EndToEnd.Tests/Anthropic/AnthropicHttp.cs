using System.Text;
using AiMesh.EndToEnd.Tests.Infrastructure;

namespace AiMesh.EndToEnd.Tests.Anthropic;

/// <summary>Raw HTTP for the Anthropic surface: what the SDK hides (event names and order, headers, exact bytes).</summary>
internal static class AnthropicHttp
{
    public static HttpRequestMessage Post(Uri ingress, string path, string json, string? key = TestEnvironment.ClientKey, string? version = "2023-06-01")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ingress, path))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Add("x-api-key", key);
        }

        if (version is not null)
        {
            request.Headers.Add("anthropic-version", version);
        }

        return request;
    }

    /// <summary>Every event of the stream as (name, data), in order, until the server closes it.</summary>
    public static async Task<List<(string Name, string Data)>> ReadEventsAsync(HttpResponseMessage response)
    {
        // Within a minute: a client's timeout does not cover a body read after its headers.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var events = new List<(string, string)>();
        await using var stream = await response.Content.ReadAsStreamAsync(limit.Token);
        using var reader = new StreamReader(stream);
        string? name = null;
        while (await reader.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((name ?? "", line["data: ".Length..]));
                name = null;
            }
        }

        return events;
    }
}
