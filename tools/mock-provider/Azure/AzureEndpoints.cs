using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.MockProvider.Chat;
using AiMesh.MockProvider.Embeddings;
using AiMesh.MockProvider.Http;

namespace AiMesh.MockProvider.Azure;

/// <summary>
/// Azure OpenAI on its own paths (<see cref="AzureRoute"/>), after the scenario's latency:
/// <list type="bullet">
/// <item>Credentials: an <c>api-key</c> header or an <c>Authorization: Bearer</c> token (an Entra ID token; one issued by
/// the mock's own token endpoint, <see cref="EntraTokenEndpoint"/>, must be valid), else 401 in Azure's words.</item>
/// <item>A deployment path without <c>api-version</c> is a 404 "Resource not found", as Azure answers it; the v1
/// surface needs none but the <c>model</c> (the deployment) in the body.</item>
/// <item>The scenario's status with Azure's error bodies; triggers in the last user text: <c>filter:</c> (the prompt
/// refused by the content filter: 400 <c>content_filter</c>), <c>toolong:</c> (400 <c>context_length_exceeded</c>).</item>
/// <item>Otherwise OpenAI's answer with Azure's filter annotations (<see cref="AzureFilterJson"/>), the model being the
/// deployment's (Azure reports the model behind the deployment; the mock names the deployment).</item>
/// </list>
/// </summary>
internal static class AzureEndpoints
{
    public static async Task HandleAsync(MockExchange exchange, AzureRoute route, ReadOnlyMemory<byte> body)
    {
        var request = exchange.Http.Request;
        var scenario = exchange.Scenario;
        if (exchange.State.Counters.ShouldFail(scenario))
        {
            await AzureError.ForStatus(scenario.Status!.Value).SendAsync(exchange);
            return;
        }

        if (!HasCredentials(exchange))
        {
            await AzureError.Unauthorized().SendAsync(exchange);
            return;
        }

        if (!route.IsV1 && string.IsNullOrEmpty(request.Query["api-version"]))
        {
            await AzureError.ResourceNotFound().SendAsync(exchange);
            return;
        }

        if (Refusal(body) is { } refused)
        {
            await refused.SendAsync(exchange);
            return;
        }

        if (!route.IsV1)
        {
            // The deployment is the model; Azure's deployment routes take none in the body.
            if (WithModel(body, route.Deployment!) is not { } rewritten)
            {
                await AzureError.FromOpenAi(OpenAiError.UnparsableBody()).SendAsync(exchange);
                return;
            }

            body = rewritten;
        }

        await (route.Api == AzureRoute.Embeddings
            ? EmbeddingsEndpoint.HandleAsync(exchange, body)
            : ChatCompletions.HandleAsync(exchange, body, azure: true));
    }

    /// <summary>
    /// An <c>api-key</c>, or a bearer token: one the mock's Entra endpoint issued must be one it issued and unexpired;
    /// any other is taken as a token obtained elsewhere (<c>AzureAuth: bearer</c>), which the mock cannot check.
    /// </summary>
    private static bool HasCredentials(MockExchange exchange)
    {
        var request = exchange.Http.Request;
        if (!string.IsNullOrEmpty(request.Headers["api-key"]))
        {
            return true;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return false;
        }

        var token = authorization["Bearer ".Length..];
        return !token.StartsWith(EntraMockState.TokenPrefix, StringComparison.Ordinal) || exchange.State.Entra.IsValid(token, DateTimeOffset.UtcNow);
    }

    private static AzureError? Refusal(ReadOnlyMemory<byte> body)
    {
        var text = LastUserText(body);
        return text.StartsWith("filter:", StringComparison.Ordinal) ? AzureError.ContentFiltered()
            : text.StartsWith("toolong:", StringComparison.Ordinal) ? AzureError.ContextLengthExceeded()
            : null;
    }

    private static string LastUserText(ReadOnlyMemory<byte> body)
    {
        try
        {
            var text = "";
            if (JsonNode.Parse(body.Span) is JsonObject root && root["messages"] is JsonArray messages)
            {
                foreach (var message in messages)
                {
                    if (message is JsonObject m && m["role"] is JsonValue role && role.GetValueKind() == JsonValueKind.String
                        && role.GetValue<string>() == "user" && m["content"] is JsonValue content && content.GetValueKind() == JsonValueKind.String)
                    {
                        text = content.GetValue<string>();
                    }
                }
            }

            return text;
        }
        catch (JsonException)
        {
            return "";
        }
    }

    private static ReadOnlyMemory<byte>? WithModel(ReadOnlyMemory<byte> body, string deployment)
    {
        try
        {
            if (JsonNode.Parse(body.Span) is not JsonObject root)
            {
                return null;
            }

            root["model"] = deployment;
            return JsonSerializer.SerializeToUtf8Bytes(root);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
