using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiMesh.Router.Providers;

/// <summary>
/// The upstream POST every JSON adapter sends: the body serialized with <see cref="ProviderJson.SerializerOptions"/>,
/// <c>Accept</c> for a stream (server-sent events) or a whole answer, and the deployment's extra headers. Credentials
/// are each adapter's to add, as providers take them in different headers.
/// </summary>
internal static class ProviderHttp
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptEventStream = new("text/event-stream");

    public static HttpRequestMessage PostJson(ProviderCall call, Uri url, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(call);
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, ProviderJson.SerializerOptions));
        content.Headers.ContentType = Json;
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Accept.Add(call.Stream ? AcceptEventStream : AcceptJson);
        foreach (var (name, value) in call.Deployment.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
