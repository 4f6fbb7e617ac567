using System.Net.Http.Headers;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Providers;

/// <summary>
/// Speaks one provider's wire format. Pure translation, no I/O: it builds the upstream request from the
/// client's OpenAI-shaped request and reads the upstream answer back into OpenAI shapes. The transport
/// (<see cref="Transport.ProviderTransport"/>) owns sockets, timeouts, stream framing, cancellation and chunk
/// sending, once for every adapter; so a new provider is one class plus its stream translator, testable
/// without a network.
/// </summary>
internal interface IProviderAdapter
{
    /// <summary>The adapter's own name, used in configuration errors.</summary>
    string Name { get; }

    /// <summary>The <c>Provider</c> values of deployments this adapter serves (case-insensitive).</summary>
    IReadOnlyCollection<string> Providers { get; }

    /// <summary>The OpenAI surfaces it can translate, see <see cref="Deployments.ProviderApis"/>.</summary>
    IReadOnlyCollection<string> Apis { get; }

    /// <summary>Whether a deployment of <paramref name="provider"/> must name an API key (hosted APIs) or may omit it (local servers).</summary>
    bool RequiresApiKey(string provider);

    /// <summary>
    /// The upstream request: URL from the deployment's base URL only, credentials from the deployment only.
    /// May take ownership of <see cref="ProviderCall.Body"/>; called once per attempt.
    /// </summary>
    HttpRequestMessage BuildRequest(ProviderCall call);

    /// <summary>A 2xx answer of a call that was not streamed.</summary>
    ProviderResponse ReadResponse(ProviderCall call, ReadOnlySpan<byte> body);

    /// <summary>What the provider said in an error answer (untrusted text: the caller redacts it).</summary>
    UpstreamError ReadError(ReadOnlySpan<byte> body);

    /// <summary>
    /// The same, for a provider that names its error in a response header rather than the body (AWS:
    /// <c>x-amzn-ErrorType</c>). The transport calls this one; by default the headers are not needed.
    /// </summary>
    UpstreamError ReadError(ReadOnlySpan<byte> body, HttpResponseHeaders headers) => ReadError(body);

    /// <summary>A fresh translator for the events of one streamed answer.</summary>
    IStreamTranslator CreateStreamTranslator(ProviderCall call);

    /// <summary>
    /// A fresh decoder for the framing of one streamed answer: server-sent events unless the provider frames its
    /// stream otherwise (AWS event stream). Its events are what <see cref="CreateStreamTranslator"/>'s translator reads.
    /// </summary>
    IStreamDecoder CreateStreamDecoder() => new SseParser();
}
