namespace AiMesh.Router.Providers;

/// <summary>
/// Credentials an adapter cannot add by pure translation because getting them takes I/O, e.g. an OAuth access
/// token exchanged for a signed service-account assertion (Vertex AI). An adapter that needs this implements it
/// besides <see cref="IProviderAdapter"/>; <see cref="Transport.ProviderTransport"/> calls it once per attempt,
/// after <see cref="IProviderAdapter.BuildRequest"/> and before sending, under the call's first-byte clock.
/// </summary>
internal interface IProviderCredentials
{
    /// <summary>Adds the credentials to <paramref name="request"/>.</summary>
    /// <returns>
    /// Null when the request is ready to send; otherwise why not, as an <see cref="UpstreamErrorKind.AuthenticationFailed"/>
    /// error (the caller answers 502 <c>upstream_auth_failed</c>) whose text never repeats what a token endpoint said.
    /// </returns>
    ValueTask<UpstreamError?> AuthorizeAsync(ProviderCall call, HttpRequestMessage request, CancellationToken cancellationToken);
}
