using AiMesh.Router.Deployments;

namespace AiMesh.Router.Routing;

/// <summary>
/// Which of the client's headers (<c>RouteCompletion.ClientHeaders</c>) reach which providers: only
/// <c>anthropic-beta</c>, and only to <c>anthropic</c> deployments, where it turns on the beta features the client
/// asked for. It joins the deployment's own <c>anthropic-beta</c> (configured in <c>Headers</c>), names kept once.
/// The call's deployment carries it (every adapter sends its deployment's headers), so no adapter changes.
/// </summary>
internal static class ClientHeaders
{
    public const string AnthropicBeta = "anthropic-beta";

    public static Deployment ForCall(Deployment deployment, IReadOnlyDictionary<string, string>? clientHeaders)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Provider != "anthropic" || clientHeaders is null || !clientHeaders.TryGetValue(AnthropicBeta, out var asked) || string.IsNullOrWhiteSpace(asked))
        {
            return deployment;
        }

        var headers = new Dictionary<string, string>(deployment.Headers, StringComparer.OrdinalIgnoreCase);
        var names = (headers.TryGetValue(AnthropicBeta, out var configured) ? configured.Split(',') : [])
            .Concat(asked.Split(','))
            .Select(name => name.Trim())
            .Where(name => name.Length > 0)
            .Distinct(StringComparer.Ordinal);
        headers[AnthropicBeta] = string.Join(',', names);
        return deployment with { Headers = headers };
    }
}
