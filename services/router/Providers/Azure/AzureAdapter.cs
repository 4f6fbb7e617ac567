using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers.OpenAi;

namespace AiMesh.Router.Providers.Azure;

/// <summary>
/// Azure OpenAI, provider <c>azure</c>. The body is OpenAI's, prepared as <see cref="OpenAiAdapter"/> prepares it
/// (composition: its body step, its POST, its usage and error readers); what differs is where it goes and how it is
/// authorized:
/// <list type="bullet">
/// <item>Deployment URLs, the default: <c>{BaseUrl}/openai/deployments/{UpstreamModel}/chat/completions?api-version=…</c>
/// (and <c>/embeddings</c>), <c>UpstreamModel</c> being the Azure deployment name and no <c>model</c> in the body.</item>
/// <item><c>ApiVersion: v1</c>: Azure's v1 surface, <c>{BaseUrl}/openai/v1/chat/completions</c> with <c>model</c> (the
/// deployment name) in the body, as on OpenAI. A one-line switch, so both are served.</item>
/// <item>The key named by <c>ApiKeyEnv</c> in the <c>api-key</c> header, or with <c>AzureAuth: bearer</c> an Entra ID
/// token as <c>Authorization: Bearer</c>; only ever to the deployment's host.</item>
/// <item>With <c>AzureAuth: entra</c>, an Entra ID token the router obtains itself with the deployment's client
/// credentials (<see cref="EntraClientCredentials"/>), cached by <see cref="AccessTokenCache"/>: I/O, so it is the
/// transport's credentials step (<see cref="IProviderCredentials"/>) and translation stays pure.</item>
/// </list>
/// Answers are cleaned of Azure's filter annotations (<see cref="AzureAnswers"/>) and errors read with Azure's codes
/// (<see cref="AzureErrors"/>).
/// </summary>
internal sealed class AzureAdapter(AccessTokenCache tokens) : IProviderAdapter, IProviderCredentials
{
    public string Name => AzureDeploymentSettings.ProviderName;

    public IReadOnlyCollection<string> Providers { get; } = [AzureDeploymentSettings.ProviderName];

    public IReadOnlyCollection<string> Apis { get; } = [ProviderApis.ChatCompletions, ProviderApis.Embeddings];

    // Azure OpenAI always wants a key or a token, but with AzureAuth 'entra' no ApiKeyEnv: AzureOptionsValidator checks.
    public bool RequiresApiKey(string provider) => false;

    public HttpRequestMessage BuildRequest(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var deployment = call.Deployment;
        var body = OpenAiAdapter.PrepareBody(call);
        var version = deployment.ApiVersion ?? AzureDeploymentSettings.DefaultApiVersion;
        Uri url;
        if (version == AzureDeploymentSettings.V1)
        {
            body["model"] = deployment.UpstreamModel;
            url = new Uri(deployment.BaseUrl, "openai/v1/" + OpenAiAdapter.Path(call.Api));
        }
        else
        {
            // The deployment in the path names the model; Azure's deployment routes take no model in the body.
            body.Remove("model");
            url = new Uri(
                deployment.BaseUrl,
                $"openai/deployments/{Uri.EscapeDataString(deployment.UpstreamModel)}/{OpenAiAdapter.Path(call.Api)}?api-version={Uri.EscapeDataString(version)}");
        }

        var request = ProviderHttp.PostJson(call, url, body);
        if (deployment.ApiKey is { } key)
        {
            if (deployment.AzureBearer)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Reveal());
            }
            else
            {
                request.Headers.TryAddWithoutValidation("api-key", key.Reveal());
            }
        }

        return request;
    }

    public ValueTask<UpstreamError?> AuthorizeAsync(ProviderCall call, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        // api-key and bearer deployments got their header in BuildRequest: nothing to wait for.
        return call.Deployment.Entra is { } entra
            ? tokens.AuthorizeAsync(request, call.Deployment.Name, entra, cancellationToken)
            : ValueTask.FromResult<UpstreamError?>(null);
    }

    public ProviderResponse ReadResponse(ProviderCall call, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(call);
        return ProviderJson.Read(body, call.Deployment.Model, static (model, root) =>
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                return ProviderResponse.Invalid;
            }

            var answer = JsonObject.Create(root)!;
            AzureAnswers.Clean(answer, model);
            return new ProviderResponse(answer.ToJsonString(ProviderJson.SerializerOptions), OpenAiUsage.Read(root));
        }, ProviderResponse.Invalid);
    }

    public UpstreamError ReadError(ReadOnlySpan<byte> body) => AzureErrors.Read(body);

    public UpstreamError ReadError(ReadOnlySpan<byte> body, HttpResponseHeaders headers) =>
        AzureErrors.WithRetryAfterMs(AzureErrors.Read(body), headers);

    public IStreamTranslator CreateStreamTranslator(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new AzureStreamTranslator(call.ClientIncludeUsage, call.Deployment.Model);
    }
}
