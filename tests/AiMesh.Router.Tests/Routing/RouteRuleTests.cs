using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Configuration;
using AiMesh.Router.Routing;
using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Routing;

/// <summary>
/// Conditional routes (issue 6, "Conditional, experimental and regional routing"; services/router/Routing/
/// RouteRules.cs): each condition on its own, that every condition of a rule must hold, and that the first matching
/// rule wins. The routes through the bus are in <see cref="ConditionalRoutingTests"/>.
/// </summary>
public sealed class RouteRuleTests
{
    private const string Hello = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}""";

    [Fact]
    public void The_requested_model_condition_matches_only_the_models_it_names()
    {
        var rules = Rules(Rule("big", r => r.Models.Add("gpt-4o-mini")));

        Assert.Equal("big", Match(rules, Route(Hello)));
        Assert.Null(Match(rules, Route(Hello) with { Model = "gpt-4o" }));
    }

    [Fact]
    public void Metadata_matches_string_entries_of_the_body_exactly()
    {
        var rules = Rules(Rule("big", r => r.Metadata["route"] = "big"));

        Assert.Equal("big", Match(rules, Route("""{"messages":[],"metadata":{"route":"big","other":"x"}}""")));
        Assert.Null(Match(rules, Route("""{"messages":[],"metadata":{"route":"Big"}}""")));
        Assert.Null(Match(rules, Route("""{"messages":[],"metadata":{"route":1}}""")));
        Assert.Null(Match(rules, Route("""{"messages":[]}""")));
        Assert.Null(rules.Match(Route("not json"), null));
    }

    [Fact]
    public void Headers_match_by_name_in_any_case_and_value_exactly()
    {
        var rules = Rules(Rule("big", r => r.Headers["X-Route"] = "big"));

        Assert.Equal("big", Match(rules, Route(Hello) with { ClientHeaders = new Dictionary<string, string> { ["x-route"] = "big" } }));
        Assert.Null(Match(rules, Route(Hello) with { ClientHeaders = new Dictionary<string, string> { ["x-route"] = "small" } }));
        Assert.Null(Match(rules, Route(Hello)));
    }

    [Fact]
    public void Key_and_team_tags_match_only_their_own_tags()
    {
        var rules = Rules(
            Rule("for-keys", r => r.KeyTags["tier"] = "premium"),
            Rule("for-teams", r => r.TeamTags["tier"] = "premium"));
        var tagged = new Dictionary<string, string> { ["tier"] = "premium", ["owner"] = "x" };

        Assert.Equal("for-keys", Match(rules, Route(Hello) with { KeyTags = tagged }));
        Assert.Equal("for-teams", Match(rules, Route(Hello) with { TeamTags = tagged }));
        Assert.Null(Match(rules, Route(Hello) with { KeyTags = new Dictionary<string, string> { ["tier"] = "basic" } }));
    }

    [Fact]
    public void Prompt_size_bounds_count_the_estimated_prompt_tokens_inclusive()
    {
        var rules = Rules(Rule("long", r => r.MinPromptTokens = 1_000), Rule("short", r => r.MaxPromptTokens = 20));
        var longText = string.Join(' ', Enumerable.Repeat("word", 2_000));
        var longBody = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = longText }) }.ToJsonString();
        var mid = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = string.Join(' ', Enumerable.Repeat("word", 100)) }) }.ToJsonString();
        var hello = RouteRules.PromptTokens("chat.completions", (JsonObject)JsonNode.Parse(Hello)!);

        Assert.Equal("long", Match(rules, Route(longBody)));
        Assert.Equal("short", Match(rules, Route(Hello)));
        Assert.Null(Match(rules, Route(mid)));
        Assert.Equal("short", Match(Rules(Rule("short", r => r.MaxPromptTokens = hello)), Route(Hello)));
        Assert.Null(Match(Rules(Rule("short", r => r.MaxPromptTokens = hello - 1)), Route(Hello)));
        Assert.True(RouteRules.PromptTokens("embeddings", (JsonObject)JsonNode.Parse("""{"input":["a b c","d e f"]}""")!) >= 6);
    }

    [Fact]
    public void Every_condition_of_a_rule_must_hold()
    {
        var rules = Rules(Rule("both", r =>
        {
            r.Models.Add("gpt-4o-mini");
            r.KeyTags["tier"] = "premium";
        }));
        var premium = new Dictionary<string, string> { ["tier"] = "premium" };

        Assert.Equal("both", Match(rules, Route(Hello) with { KeyTags = premium }));
        Assert.Null(Match(rules, Route(Hello) with { KeyTags = premium, Model = "gpt-4o" }));
        Assert.Null(Match(rules, Route(Hello)));
    }

    [Fact]
    public void The_first_matching_rule_wins_in_configuration_order()
    {
        var premium = new Dictionary<string, string> { ["tier"] = "premium" };
        var first = Rules(Rule("a", r => r.KeyTags["tier"] = "premium"), Rule("b", r => r.Models.Add("gpt-4o-mini")));
        var second = Rules(Rule("b", r => r.Models.Add("gpt-4o-mini")), Rule("a", r => r.KeyTags["tier"] = "premium"));

        Assert.Equal("a", Match(first, Route(Hello) with { KeyTags = premium }));
        Assert.Equal("b", Match(second, Route(Hello) with { KeyTags = premium }));
        Assert.Equal("b", Match(first, Route(Hello)));

        // An unnamed rule is named by its place, for the logs.
        var unnamed = Rules(Rule("a", r => r.KeyTags["tier"] = "premium"), new RouteRuleOptions { Target = "x", Models = { "gpt-4o-mini" } });
        Assert.Equal("Rules:1", unnamed.Match(Route(Hello), Body(Hello))!.Value.Name);
    }

    private static RouteRuleOptions Rule(string target, Action<RouteRuleOptions> conditions)
    {
        var rule = new RouteRuleOptions { Name = target, Target = target };
        conditions(rule);
        return rule;
    }

    private static RouteRules Rules(params RouteRuleOptions[] rules)
    {
        var options = new RouterOptions();
        foreach (var rule in rules)
        {
            options.Rules.Add(rule);
        }

        return new RouteRules(Options.Create(options));
    }

    private static string? Match(RouteRules rules, RouteCompletion request) => rules.Match(request, ClientRequest.TryParse(request.Body))?.Rule.Target;

    private static JsonObject Body(string json) => (JsonObject)JsonNode.Parse(json)!;

    private static RouteCompletion Route(string body) => RouterHost.Chat(body, stream: false);
}
