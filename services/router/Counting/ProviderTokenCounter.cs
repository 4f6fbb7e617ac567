using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Counting;

/// <summary>
/// Asks a deployment's provider to count a request's input tokens, where the provider can: Anthropic's
/// <c>POST {BaseUrl}/messages/count_tokens</c>. The body is the one the deployment's adapter would send for the
/// request (same translation, same headers and key), narrowed to the members the count takes: no output limit, no
/// sampling, no stream. One attempt within <see cref="Limit"/>, through the transport's pooled client (no redirects).
/// </summary>
internal sealed class ProviderTokenCounter(ProviderAdapters adapters, IHttpClientFactory clients)
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private static readonly HashSet<string> Counted = ["model", "messages", "system", "tools", "tool_choice", "thinking", "mcp_servers", "context_management"];

    public static bool CanCount(Deployment deployment) => deployment.Provider == "anthropic";

    /// <returns>The provider's count; null when it could not count (the caller estimates instead).</returns>
    public async Task<int?> CountAsync(Guid requestId, Deployment deployment, JsonObject body, CancellationToken cancellationToken)
    {
        if (!CanCount(deployment) || adapters.Find(deployment.Provider) is not { } adapter)
        {
            return null;
        }

        var call = new ProviderCall
        {
            RequestId = requestId,
            Api = ProviderApis.ChatCompletions,
            Deployment = deployment,
            Body = body,
            Stream = false,
            ClientIncludeUsage = false,
        };
        using var request = adapter.BuildRequest(call);
        var upstream = JsonNode.Parse(await request.Content!.ReadAsByteArrayAsync(cancellationToken))!.AsObject();
        foreach (var name in upstream.Select(member => member.Key).Where(name => !Counted.Contains(name)).ToArray())
        {
            upstream.Remove(name);
        }

        request.RequestUri = new Uri(deployment.BaseUrl, "messages/count_tokens");
        request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(upstream, ProviderJson.SerializerOptions));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            using var response = await clients.CreateClient(ProviderTransport.HttpClientName).SendAsync(request, limit.Token);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var answer = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(limit.Token));
            return answer.RootElement.ValueKind == JsonValueKind.Object
                && answer.RootElement.TryGetProperty("input_tokens", out var tokens)
                && tokens.TryGetInt32(out var count) && count >= 0
                ? count
                : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or InvalidOperationException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Unreachable, too slow or not understood: the count falls back to the estimate, which says it is one.
            return null;
        }
    }
}
