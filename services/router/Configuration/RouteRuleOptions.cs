namespace AiMesh.Router.Configuration;

/// <summary>
/// One conditional route (<c>Router:Rules:N</c>): when every condition it sets holds, the request is served by
/// <see cref="Target"/>'s deployments instead of the requested model's. The rules are one ordered list for the whole
/// router, not one per model, so an operator reads top to bottom which rule wins (the first that matches); a rule that
/// is meant for some models only says so in <see cref="Models"/>. Conditions left empty match anything; a rule must set
/// at least one.
/// </summary>
internal sealed class RouteRuleOptions
{
    /// <summary>Named in logs and the route's trace; the rule's position when absent.</summary>
    public string? Name { get; set; }

    /// <summary>The requested public model names the rule applies to; empty: every model.</summary>
    public IList<string> Models { get; } = [];

    /// <summary>Entries the request body's <c>metadata</c> object (OpenAI's string→string field) must hold, values compared exactly.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Request headers that must hold these values (names in any case, values exactly). Only headers the ingress is
    /// configured to pass on (<c>Ingress:RoutingHeaders</c>) ever reach the router; a rule on any other never matches.
    /// </summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Tags the admitted key must carry with these values (a key's <c>tags</c> in the admin API).</summary>
    public IDictionary<string, string> KeyTags { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Tags the key's team must carry with these values (a team's <c>tags</c> in the admin API).</summary>
    public IDictionary<string, string> TeamTags { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The prompt's estimated size in tokens (the router's estimator, o200k_base) must be at least this.</summary>
    public long? MinPromptTokens { get; set; }

    /// <summary>The prompt's estimated size in tokens must be at most this.</summary>
    public long? MaxPromptTokens { get; set; }

    /// <summary>The public model (a model group some deployment serves) the matching requests go to.</summary>
    public string? Target { get; set; }

    public bool HasCondition =>
        Models.Count > 0 || Metadata.Count > 0 || Headers.Count > 0 || KeyTags.Count > 0 || TeamTags.Count > 0
        || MinPromptTokens is not null || MaxPromptTokens is not null;
}
