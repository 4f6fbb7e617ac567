using System.Net.Http.Headers;
using System.Text;

namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>Raw HTTP helpers: the SDKs hide exactly what some tests must see (error events, [DONE]).</summary>
internal static class Sse
{
    public static HttpRequestMessage Post(Uri ingress, string path, string json, string key = TestEnvironment.ClientKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ingress, path))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    /// <summary>
    /// Every <c>data:</c> payload of the stream, in order, until the server closes it — within a minute: a client's
    /// timeout does not cover a body read after its headers, so a stream that never ends would hold the run.
    /// </summary>
    public static async Task<List<string>> ReadAllAsync(HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        cancellationToken = limit.Token;
        var events = new List<string>();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add(line["data: ".Length..]);
            }
        }

        return events;
    }
}
