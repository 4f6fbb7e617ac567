using AiMesh.Router.Deployments;

namespace AiMesh.Router.Providers.Gemini;

/// <summary>
/// Gemini on Vertex AI, provider <c>vertex</c>: the same bodies as <see cref="GeminiAdapter"/> at
/// <c>{BaseUrl}/projects/{Project}/locations/{Region}/publishers/google/models/{model}:generateContent</c> (and
/// <c>:streamGenerateContent?alt=sse</c>, <c>:predict</c> for embeddings), BaseUrl defaulting to the region's
/// endpoint (<see cref="VertexDefaults"/>). Credentials are an OAuth access token obtained with the deployment's
/// service account; getting one takes I/O, so it is the transport's credential step (<see cref="IProviderCredentials"/>)
/// and translation stays pure.
/// </summary>
internal sealed class VertexAdapter(TimeProvider time, AccessTokenCache tokens) : GoogleAdapter(time), IProviderCredentials
{
    public override string Name => "vertex";

    public override IReadOnlyCollection<string> Providers { get; } = ["vertex"];

    // The service account, not an API key, is the credential (checked by VertexOptionsValidator).
    public override bool RequiresApiKey(string provider) => false;

    public override HttpRequestMessage BuildRequest(ProviderCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var deployment = call.Deployment;
        var body = call.Api == ProviderApis.Embeddings ? GeminiEmbeddings.BuildVertex(call) : GeminiChatRequest.Build(call);
        var path = $"projects/{Uri.EscapeDataString(deployment.Project ?? "")}/locations/{Uri.EscapeDataString(deployment.Region ?? "")}"
            + $"/publishers/google/models/{GeminiHttp.Model(deployment)}{GeminiHttp.Method(call, "predict")}";
        return ProviderHttp.PostJson(call, new Uri(deployment.BaseUrl, path), body);
    }

    public ValueTask<UpstreamError?> AuthorizeAsync(ProviderCall call, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        return tokens.AuthorizeAsync(request, call.Deployment.Name, GoogleAssertionGrant.For(call.Deployment), cancellationToken);
    }

    protected override ProviderResponse ReadEmbeddings(ProviderCall call, ReadOnlySpan<byte> body) => GeminiEmbeddings.ReadVertex(call, body);
}
