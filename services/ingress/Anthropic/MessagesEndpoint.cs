using AiMesh.Ingress.OpenAi;

namespace AiMesh.Ingress.Anthropic;

/// <summary>
/// <c>POST /v1/messages</c>, Anthropic's Messages API, served by the same exchange, saga and relay as chat
/// completions: the request is checked and translated to the canonical form on the way in
/// (<see cref="AnthropicRequestValidator"/>) and every answer translated back on the way out
/// (<see cref="AnthropicAnswerWriter"/>), so any model behind the mesh serves Anthropic clients.
/// </summary>
/// <remarks>
/// <c>anthropic-version</c> is required, as Anthropic requires it (its SDKs and Claude Code always send it): a request
/// without it is a 400. Any value is accepted: the mesh serves one version of the API, the one its translation
/// implements (2023-06-01, the current and only stable version).
/// </remarks>
internal sealed class MessagesEndpoint(CompletionExchange exchange)
{
    public const string VersionHeader = "anthropic-version";

    public static readonly ApiError MissingVersion = ApiError.Invalid(
        $"{VersionHeader}: header is required", VersionHeader);

    public Task CreateAsync(HttpContext http)
    {
        if (!HasVersion(http.Request))
        {
            Http.RequestIds.Assign(http);
            return AnthropicErrors.WriteAsync(http.Response, MissingVersion);
        }

        var writer = new AnthropicAnswerWriter();
        return exchange.HandleAsync(http, writer.Validate, writer);
    }

    public static bool HasVersion(HttpRequest request) => request.Headers[VersionHeader].ToString().Trim().Length > 0;
}
