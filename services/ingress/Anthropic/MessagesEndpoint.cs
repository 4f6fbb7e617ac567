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
/// <c>anthropic-beta</c> (comma-separated feature names) travels with the request for the router to pass to
/// Anthropic deployments; a value that is not a list of such names is a 400, so nothing but names reaches a header.
/// </remarks>
internal sealed partial class MessagesEndpoint(CompletionExchange exchange)
{
    public const string VersionHeader = "anthropic-version";
    public const string BetaHeader = "anthropic-beta";

    public static readonly ApiError MissingVersion = ApiError.Invalid(
        $"{VersionHeader}: header is required", VersionHeader);

    public static readonly ApiError InvalidBeta = ApiError.Invalid(
        $"{BetaHeader}: expected comma-separated beta names (letters, digits, '-', '_', '.'), at most 1024 characters", BetaHeader);

    public Task CreateAsync(HttpContext http)
    {
        if (!HasVersion(http.Request))
        {
            Http.RequestIds.Assign(http);
            return AnthropicErrors.WriteAsync(http.Response, MissingVersion);
        }

        if (!TryClientHeaders(http.Request, out var clientHeaders))
        {
            Http.RequestIds.Assign(http);
            return AnthropicErrors.WriteAsync(http.Response, InvalidBeta);
        }

        var writer = new AnthropicAnswerWriter(clientHeaders);
        return exchange.HandleAsync(http, "messages", writer.Validate, writer);
    }

    /// <summary>The client headers that travel with the request (<c>anthropic-beta</c>, checked); false when it is malformed.</summary>
    public static bool TryClientHeaders(HttpRequest request, out IReadOnlyDictionary<string, string>? headers)
    {
        ArgumentNullException.ThrowIfNull(request);
        headers = null;
        var beta = string.Join(',', request.Headers[BetaHeader].Select(v => v?.Trim()).Where(v => !string.IsNullOrEmpty(v)));
        if (beta.Length > 1024 || (beta.Length > 0 && !BetaNames().IsMatch(beta)))
        {
            return false;
        }

        headers = beta.Length > 0 ? new Dictionary<string, string> { [BetaHeader] = beta } : null;
        return true;
    }

    public static bool HasVersion(HttpRequest request) => request.Headers[VersionHeader].ToString().Trim().Length > 0;

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9._-]+( *, *[A-Za-z0-9._-]+)*$")]
    private static partial System.Text.RegularExpressions.Regex BetaNames();
}
