using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Configuration;
using AiMesh.Router.Counting;
using AiMesh.Router.Deployments;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Routing;

/// <summary>
/// The conditional routes of <c>Router:Rules</c>, in order: the first whose every condition holds chooses the model
/// that serves the request. The cheap conditions are read first; the prompt is counted only when a rule that got that
/// far asks for its size, and then once per request.
/// </summary>
internal sealed class RouteRules(IOptions<RouterOptions> options)
{
    private readonly RouteRuleOptions[] rules = [.. options.Value.Rules];

    public bool Any => rules.Length > 0;

    /// <returns>The first matching rule and its name (its position when unnamed); null when none matches.</returns>
    public (RouteRuleOptions Rule, string Name)? Match(RouteCompletion request, JsonObject? body)
    {
        ArgumentNullException.ThrowIfNull(request);
        long? promptTokens = null;
        var metadata = Metadata(body);
        var headers = request.ClientHeaders is null ? null : new Dictionary<string, string>(request.ClientHeaders, StringComparer.OrdinalIgnoreCase);
        for (var index = 0; index < rules.Length; index++)
        {
            var rule = rules[index];
            if ((rule.Models.Count > 0 && !rule.Models.Contains(request.Model))
                || !Holds(rule.Metadata, metadata)
                || !Holds(rule.Headers, headers)
                || !Holds(rule.KeyTags, request.KeyTags)
                || !Holds(rule.TeamTags, request.TeamTags))
            {
                continue;
            }

            if (rule.MinPromptTokens is not null || rule.MaxPromptTokens is not null)
            {
                promptTokens ??= body is null ? 0 : PromptTokens(request.Api, body);
                if (promptTokens < (rule.MinPromptTokens ?? 0) || promptTokens > (rule.MaxPromptTokens ?? long.MaxValue))
                {
                    continue;
                }
            }

            return (rule, rule.Name ?? $"Rules:{index}");
        }

        return null;
    }

    /// <summary>
    /// The prompt's size as the router estimates it before any call: a chat's messages and tools
    /// (<see cref="TokenEstimator.Estimate"/>), or an embedding request's input texts.
    /// </summary>
    public static long PromptTokens(string api, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (api != ProviderApis.Embeddings)
        {
            return TokenEstimator.Estimate(body);
        }

        return body["input"] switch
        {
            JsonValue text when text.GetValueKind() == JsonValueKind.String => TokenEstimator.Count(text.GetValue<string>()),
            JsonArray items => items.OfType<JsonValue>().Where(i => i.GetValueKind() == JsonValueKind.String).Sum(i => TokenEstimator.Count(i.GetValue<string>())),
            _ => 0,
        };
    }

    /// <summary>Every wanted entry present with exactly that value (a condition not set holds for everyone).</summary>
    internal static bool Holds(IDictionary<string, string> wanted, IReadOnlyDictionary<string, string>? actual)
    {
        if (wanted.Count == 0)
        {
            return true;
        }

        if (actual is null)
        {
            return false;
        }

        foreach (var (name, value) in wanted)
        {
            if (!actual.TryGetValue(name, out var found) || !string.Equals(found, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The body's <c>metadata</c> (OpenAI: up to 16 string pairs); members that are not strings are left out.</summary>
    private static Dictionary<string, string>? Metadata(JsonObject? body)
    {
        if (body?["metadata"] is not JsonObject metadata)
        {
            return null;
        }

        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in metadata)
        {
            if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String)
            {
                pairs[name] = v.GetValue<string>();
            }
        }

        return pairs;
    }
}
