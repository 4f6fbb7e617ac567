using System.Buffers;
using System.Text;
using AiMesh.MockProvider.Anthropic;
using AiMesh.MockProvider.Azure;
using AiMesh.MockProvider.Bedrock;
using AiMesh.MockProvider.Chat;
using AiMesh.MockProvider.Cohere;
using AiMesh.MockProvider.Embeddings;
using AiMesh.MockProvider.Gemini;
using AiMesh.MockProvider.Mistral;
using AiMesh.MockProvider.Models;
using AiMesh.MockProvider.Recording;
using AiMesh.MockProvider.Scenarios;

namespace AiMesh.MockProvider.Http;

/// <summary>
/// The whole pipeline as one terminal middleware: strip the <c>/s/{spec}</c> prefix, record, apply the scenario's
/// latency and status, then answer. A hand-written switch instead of endpoint routing keeps the benchmark's
/// hot path short and lets every route exist with and without the prefix for free.
/// </summary>
internal sealed class MockDispatcher(MockServerState state, ILogger logger)
{
    private const string ScenarioHeader = "x-mock-scenario";

    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        if (path.StartsWith("/mock/", StringComparison.Ordinal))
        {
            // The control API is neither recorded nor subject to scenarios, so reading the recording does not change it.
            await MockControl.HandleAsync(http, path, state);
            return;
        }

        var pathSpec = SplitScenarioPrefix(ref path);
        var record = state.Recorder.Enabled
            ? state.Recorder.Begin(http.Request.Method, path, pathSpec, CopyHeaders(http.Request.Headers))
            : null;
        using var exchange = new MockExchange(http, state, record);
        try
        {
            await AnswerAsync(exchange, path, pathSpec);
        }
        catch (OperationCanceledException) when (exchange.CallerCancelled)
        {
            // The caller left: nothing to answer, and the recorder below notes it as cancelled.
        }
        catch (IOException) when (exchange.CallerCancelled)
        {
            // Same as above when the write noticed first.
        }
        catch (OperationCanceledException) when (exchange.Stopping)
        {
            MockLog.AbortedOnShutdown(logger, path);
            exchange.Abort();
        }
        finally
        {
            if (record is not null)
            {
                state.Recorder.Finish(record, http.Response.StatusCode, exchange.Completed, exchange.CallerCancelled, exchange.ServerAborted);
            }
        }
    }

    private async Task AnswerAsync(MockExchange exchange, string path, string? pathSpec)
    {
        var http = exchange.Http;
        var body = await ReadBodyAsync(http.Request, exchange.Cancellation);
        if (exchange.Record is not null)
        {
            exchange.Record.Query = http.Request.QueryString.Value ?? "";
            exchange.Record.Body = Encoding.UTF8.GetString(body);
        }

        // Bedrock's routes answer every error in AWS's shape, and check the SigV4 signature before anything else.
        var bedrock = BedrockRoutes.Matches(path);
        var headerSpec = ScenarioParser.Decode(http.Request.Headers[ScenarioHeader]);
        if (!ScenarioParser.TryParse(state.Defaults, pathSpec, headerSpec, out var scenario, out var error))
        {
            MockLog.ScenarioRejected(logger, path);
            await (bedrock
                ? AwsError.Validation(error!).SendAsync(exchange)
                : CohereRoutes.Matches(path)
                ? CohereError.SendAsync(exchange, CohereError.BadRequest(error!))
                : path is AnthropicMessagesEndpoint.Path or AnthropicCountTokensEndpoint.Path
                ? AnthropicError.SendAsync(exchange, AnthropicError.BadRequest(error!))
                : exchange.SendErrorAsync(OpenAiError.BadRequest(error!, ScenarioHeader, "invalid_mock_scenario")));
            return;
        }

        exchange.Scenario = scenario;
        if (bedrock && await BedrockRoutes.RejectUnsignedAsync(exchange, body))
        {
            return;
        }

        await exchange.DelayAsync(scenario.LatencyMs);

        // Google's paths (Gemini API, Vertex AI, the OAuth token endpoint) answer faults with Google's error bodies.
        if (GoogleRoute.TryParse(http.Request.Method, path, out var google))
        {
            await GoogleEndpoints.HandleAsync(exchange, google, body);
            return;
        }

        // Entra ID's token endpoint (Azure OpenAI's client credentials) answers with Entra's error bodies.
        if (EntraTokenEndpoint.Matches(http.Request.Method, path))
        {
            await EntraTokenEndpoint.HandleAsync(exchange, body);
            return;
        }

        // Azure OpenAI's and Mistral's paths answer faults and credentials with their own error bodies.
        if (AzureRoute.Matches(path))
        {
            await (AzureRoute.TryParse(path) is { } azure && HttpMethods.IsPost(http.Request.Method)
                ? AzureEndpoints.HandleAsync(exchange, azure, body)
                : AzureError.ResourceNotFound().SendAsync(exchange));
            return;
        }

        if (MistralRoutes.Matches(path))
        {
            await MistralRoutes.HandleAsync(exchange, path, body);
            return;
        }

        if (state.Counters.ShouldFail(scenario))
        {
            // Each wire format fails with its own provider's error body, so adapters are tested against the real shapes.
            await (bedrock
                ? AwsError.ForStatus(scenario.Status!.Value).SendAsync(exchange)
                : CohereRoutes.Matches(path)
                ? CohereError.SendAsync(exchange, CohereError.ForStatus(scenario.Status!.Value))
                : path is AnthropicMessagesEndpoint.Path or AnthropicCountTokensEndpoint.Path
                ? AnthropicError.SendAsync(exchange, AnthropicError.ForStatus(scenario.Status!.Value))
                : exchange.SendErrorAsync(OpenAiError.ForStatus(scenario.Status!.Value, scenario.ErrorCode)));
            return;
        }

        if (bedrock)
        {
            await BedrockRoutes.HandleAsync(exchange, path, body);
            return;
        }

        if (CohereRoutes.Matches(path))
        {
            await CohereRoutes.HandleAsync(exchange, path, body);
            return;
        }

        var method = http.Request.Method;
        switch (path)
        {
            case "/v1/chat/completions" when HttpMethods.IsPost(method):
                await ChatCompletions.HandleAsync(exchange, body);
                break;
            case AnthropicMessagesEndpoint.Path when HttpMethods.IsPost(method):
                await AnthropicMessagesEndpoint.HandleAsync(exchange, body);
                break;
            case AnthropicCountTokensEndpoint.Path when HttpMethods.IsPost(method):
                await AnthropicCountTokensEndpoint.HandleAsync(exchange, body);
                break;
            case "/v1/embeddings" when HttpMethods.IsPost(method):
                await EmbeddingsEndpoint.HandleAsync(exchange, body);
                break;
            case "/v1/models" when HttpMethods.IsGet(method):
                await ModelsEndpoint.ListAsync(exchange);
                break;
            case not null when HttpMethods.IsGet(method) && path.StartsWith("/v1/models/", StringComparison.Ordinal):
                await ModelsEndpoint.GetAsync(exchange, path["/v1/models/".Length..]);
                break;
            default:
                await exchange.SendErrorAsync(new OpenAiError(
                    StatusCodes.Status404NotFound, $"Invalid URL ({method} {path})", OpenAiError.InvalidRequest));
                break;
        }
    }

    /// <summary>Turns <c>/s/{spec}/v1/x</c> into <c>/v1/x</c> and returns the spec (Kestrel has already decoded it).</summary>
    private static string? SplitScenarioPrefix(ref string path)
    {
        if (!path.StartsWith("/s/", StringComparison.Ordinal))
        {
            return null;
        }

        var end = path.IndexOf('/', 3);
        var spec = end < 0 ? path[3..] : path[3..end];
        path = end < 0 ? "/" : path[end..];
        return ScenarioParser.Decode(spec);
    }

    private static Dictionary<string, string> CopyHeaders(IHeaderDictionary headers)
    {
        var copy = new Dictionary<string, string>(headers.Count, StringComparer.Ordinal);
        foreach (var (name, values) in headers)
        {
            copy[name.ToLowerInvariant()] = values.ToString();
        }

        return copy;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            if (result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return bytes;
            }

            // Nothing consumed, everything examined: wait for more until the body is complete.
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
