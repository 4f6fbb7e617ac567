using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Routing;

/// <summary>
/// Rules, splits and data residency through the router's queue, against the mock provider on a real socket (issue 6;
/// services/router/Routing/ConditionalRouting.cs, Deployments/RegionFilter.cs). Every deployment has an upstream model
/// name of its own, so what the mock recorded says which deployments were called:
/// gpt-4o-mini: mock-chat (no region tag, priority 0) and chat-eu (<c>eu</c>, priority 1);
/// gpt-4o: big (<c>us</c>) and big-eu (<c>eu</c>, priority 1); gpt-canary: canary (no region tag).
/// </summary>
public sealed class ConditionalRoutingTests
{
    private const string Hello = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}""";

    [Fact]
    public async Task A_key_limited_to_eu_reaches_only_the_eu_deployment_and_never_an_untagged_one()
    {
        await using var mesh = await StartAsync(_ => { });

        var served = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            served.Add((await mesh.Router.RouteAsync(Chat(Hello) with { Regions = [i % 2 == 0 ? "eu" : "EU"] })).Routed!.Deployment);
        }

        var unrestricted = (await mesh.Router.RouteAsync(Chat(Hello))).Routed!.Deployment;

        Assert.All(served, d => Assert.Equal("chat-eu", d));
        Assert.Equal("mock-chat", unrestricted);
        Assert.Equal([.. Enumerable.Repeat("mock-eu", 10), "mock-gpt"], Upstreams(mesh));
    }

    [Fact]
    public async Task No_deployment_in_the_allowed_regions_is_a_403_and_nothing_is_sent()
    {
        await using var mesh = await StartAsync(_ => { });

        var (_, elsewhere) = await mesh.Router.RouteAsync(Chat(Hello) with { Regions = ["ap"] });
        var (_, none) = await mesh.Router.RouteAsync(Chat(Hello) with { Regions = [] });
        var (_, missing) = await mesh.Router.RouteAsync(Chat(Hello, "no-such-model") with { Regions = ["eu"] });

        Assert.Equal((403, "invalid_request_error", "region_not_allowed"), (elsewhere!.Status, elsewhere.Type, elsewhere.Code));
        Assert.Equal((403, "region_not_allowed"), (none!.Status, none.Code));
        Assert.Equal((404, "model_not_found"), (missing!.Status, missing.Code));
        Assert.Empty(mesh.Mock.Recorder.Snapshot());
    }

    [Fact]
    public async Task A_metadata_rule_and_a_header_rule_move_requests_to_their_target_model()
    {
        await using var mesh = await StartAsync(s =>
        {
            s["Router:Rules:0:Name"] = "by-metadata";
            s["Router:Rules:0:Metadata:route"] = "big";
            s["Router:Rules:0:Target"] = "gpt-4o";
            s["Router:Rules:1:Headers:x-aimesh-route"] = "big";
            s["Router:Rules:1:Target"] = "gpt-4o";
        });

        var byMetadata = await mesh.Router.RouteAsync(Chat("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"metadata":{"route":"big"}}"""));
        var byHeader = await mesh.Router.RouteAsync(Chat(Hello) with { ClientHeaders = new Dictionary<string, string> { ["x-aimesh-route"] = "big" } });
        var neither = await mesh.Router.RouteAsync(Chat(Hello) with { ClientHeaders = new Dictionary<string, string> { ["x-aimesh-route"] = "small" } });

        Assert.Equal(["big", "big", "mock-chat"], [byMetadata.Routed!.Deployment, byHeader.Routed!.Deployment, neither.Routed!.Deployment]);
        Assert.Equal(["mock-big", "mock-big", "mock-gpt"], Upstreams(mesh));
        Assert.Contains(mesh.Router.Logs.Lines, l => l.Contains("[3062]", StringComparison.Ordinal) && l.Contains("rule by-metadata routes it to gpt-4o", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rule_target_is_served_only_in_the_allowed_regions()
    {
        await using var mesh = await StartAsync(s =>
        {
            s["Router:Rules:0:KeyTags:tier"] = "premium";
            s["Router:Rules:0:Target"] = "gpt-4o";
        });
        var premium = new Dictionary<string, string> { ["tier"] = "premium" };

        var eu = await mesh.Router.RouteAsync(Chat(Hello) with { KeyTags = premium, Regions = ["eu"] });
        var us = await mesh.Router.RouteAsync(Chat(Hello) with { KeyTags = premium, Regions = ["us"] });
        var (_, ap) = await mesh.Router.RouteAsync(Chat(Hello) with { KeyTags = premium, Regions = ["ap"] });

        Assert.Equal("big-eu", eu.Routed!.Deployment);
        Assert.Equal("big", us.Routed!.Deployment);
        Assert.Equal((403, "region_not_allowed"), (ap!.Status, ap.Code));
        Assert.Equal(["mock-big-eu", "mock-big"], Upstreams(mesh));
    }

    [Fact]
    public async Task A_split_sends_its_share_to_the_target_but_never_outside_the_allowed_regions()
    {
        await using var mesh = await StartAsync(s =>
        {
            s["Router:Models:gpt-4o-mini:Splits:0:Target"] = "gpt-canary";
            s["Router:Models:gpt-4o-mini:Splits:0:Percent"] = "100";
        });

        var free = await mesh.Router.RouteAsync(Chat(Hello) with { KeyId = "key-1" });
        var eu = await mesh.Router.RouteAsync(Chat(Hello) with { KeyId = "key-1", Regions = ["eu"] });

        // The answer names the deployment that served, so the side is in the usage record already.
        Assert.Equal("canary", free.Routed!.Deployment);
        Assert.Equal("chat-eu", eu.Routed!.Deployment);
        Assert.Equal(["mock-canary", "mock-eu"], Upstreams(mesh));
    }

    [Fact]
    public async Task A_split_of_half_the_keys_serves_each_key_from_one_side_only()
    {
        await using var mesh = await StartAsync(s =>
        {
            s["Router:Models:gpt-4o-mini:Splits:0:Target"] = "gpt-canary";
            s["Router:Models:gpt-4o-mini:Splits:0:Percent"] = "50";
        });

        var sides = new Dictionary<string, HashSet<string>>();
        for (var i = 0; i < 40; i++)
        {
            var key = $"key-{i % 8}";
            var routed = (await mesh.Router.RouteAsync(Chat(Hello) with { KeyId = key })).Routed!;
            (sides.TryGetValue(key, out var seen) ? seen : sides[key] = []).Add(routed.Deployment);
        }

        Assert.All(sides.Values, seen => Assert.Single(seen));
        Assert.Equal(["canary", "mock-chat"], sides.Values.SelectMany(s => s).Distinct().Order());
    }

    [Fact]
    public async Task Rules_and_splits_that_name_no_served_model_stop_the_start_with_every_error()
    {
        var settings = RouterHost.Settings(new Uri("http://127.0.0.1:9/v1"));
        settings["Router:Rules:0:Metadata:route"] = "big";
        settings["Router:Rules:0:Target"] = "gpt-5";
        settings["Router:Rules:1:Target"] = "gpt-4o-mini";
        settings["Router:Rules:2:MinPromptTokens"] = "10";
        settings["Router:Rules:2:MaxPromptTokens"] = "5";
        settings["Router:Rules:2:Target"] = "gpt-4o-mini";
        settings["Router:Models:gpt-4o-mini:Splits:0:Target"] = "gpt-5";
        settings["Router:Models:gpt-4o-mini:Splits:0:Percent"] = "60";
        settings["Router:Models:gpt-4o-mini:Splits:1:Target"] = "text-embedding-3-small";
        settings["Router:Models:gpt-4o-mini:Splits:1:Percent"] = "60";
        settings["Router:Models:gpt-4o-mini:StickyBy"] = "session";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RouterHost.StartAsync(settings));

        Assert.Contains(error.Failures, f => f.Contains("Router:Rules:0:Target must name a model", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Router:Rules:1 sets no condition", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Router:Rules:2: MinPromptTokens", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Router:Models:gpt-4o-mini:Splits:0:Target must name", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Router:Models:gpt-4o-mini:Splits add up to more than 100", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Router:Models:gpt-4o-mini:StickyBy must be key or user", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_fallback_group_is_served_only_in_the_allowed_regions()
    {
        await using var mesh = await StartAsync(s =>
        {
            var authority = new Uri(s["Router:Deployments:0:BaseUrl"]!).GetLeftPart(UriPartial.Authority);
            s["Router:Deployments:2:BaseUrl"] = $"{authority}/s/status=503;tag={Guid.NewGuid():N}/v1";
            s["Router:Models:gpt-4o-mini:Fallbacks:0"] = "gpt-4o";
            s["Router:Retries:MaxAttempts"] = "1";
        });

        var (routed, failed) = await mesh.Router.RouteAsync(Chat(Hello) with { Regions = ["eu"] });

        // The eu deployment of gpt-4o-mini failed; its fallback gpt-4o was served by its eu deployment, never the us one.
        Assert.True(routed is not null, failed?.Message);
        Assert.Equal("big-eu", routed.Deployment);
        Assert.Equal(["mock-eu", "mock-big-eu"], Upstreams(mesh));
    }

    private static Task<RouterMesh> StartAsync(Action<Dictionary<string, string?>> configure) =>
        RouterMesh.StartAsync(configure: s =>
        {
            var root = s["Router:Deployments:0:BaseUrl"]!;
            DeploymentSettings.Add(s, 2, "chat-eu", "gpt-4o-mini", "openai", root, "mock-eu", "chat.completions");
            s["Router:Deployments:2:Regions:0"] = "eu";
            s["Router:Deployments:2:Priority"] = "1";
            DeploymentSettings.Add(s, 3, "big", "gpt-4o", "openai", root, "mock-big", "chat.completions");
            s["Router:Deployments:3:Regions:0"] = "us";
            DeploymentSettings.Add(s, 4, "big-eu", "gpt-4o", "openai", root, "mock-big-eu", "chat.completions");
            s["Router:Deployments:4:Regions:0"] = "eu";
            s["Router:Deployments:4:Priority"] = "1";
            DeploymentSettings.Add(s, 5, "canary", "gpt-canary", "openai", root, "mock-canary", "chat.completions");
            configure(s);
        });

    private static RouteCompletion Chat(string body, string model = "gpt-4o-mini") => RouterHost.Chat(body, stream: false, model: model);

    /// <summary>The upstream model of every call the mock received, in order.</summary>
    private static List<string> Upstreams(RouterMesh mesh) =>
        [.. mesh.Mock.Recorder.Snapshot().OrderBy(r => r.Id).Select(r => JsonNode.Parse(r.Body)!["model"]!.GetValue<string>())];
}
