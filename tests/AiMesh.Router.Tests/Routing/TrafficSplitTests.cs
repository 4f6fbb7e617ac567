using AiMesh.Contracts.Routing;
using AiMesh.Router.Configuration;
using AiMesh.Router.Routing;
using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Routing;

/// <summary>
/// A/B and canary splits (issue 6; services/router/Routing/TrafficSplits.cs): the shares within statistical tolerance
/// over many callers, and every caller on the same side every time, on every replica.
/// </summary>
public sealed class TrafficSplitTests
{
    private const string Hello = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}]}""";

    [Fact]
    public void Shares_of_10000_keys_hold_within_four_standard_deviations()
    {
        var splits = Splits(("gpt-4o", 20), ("canary", 5));

        var sides = Enumerable.Range(0, 10_000).Select(i => splits.Side("gpt-4o-mini", Key($"key-{i}"), null)).ToList();

        // Binomial: σ = √(n p (1 − p)): 40 for 20 %, ≈ 21.8 for 5 %, ≈ 43.3 for the 75 % that stay.
        Assert.InRange(sides.Count(s => s == "gpt-4o"), 2_000 - 4 * 40, 2_000 + 4 * 40);
        Assert.InRange(sides.Count(s => s == "canary"), 500 - 4 * 22, 500 + 4 * 22);
        Assert.InRange(sides.Count(s => s is null), 7_500 - 4 * 44, 7_500 + 4 * 44);
    }

    [Fact]
    public void A_key_lands_on_the_same_side_every_time_and_on_every_replica()
    {
        var one = Splits(("gpt-4o", 50));
        var other = Splits(("gpt-4o", 50));

        for (var i = 0; i < 200; i++)
        {
            var request = Key($"key-{i}");
            var side = one.Side("gpt-4o-mini", request, null);
            Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal(side, one.Side("gpt-4o-mini", request with { RequestId = Guid.NewGuid() }, null)));
            Assert.Equal(side, other.Side("gpt-4o-mini", request, null));
        }

        // Known values: the hash is SHA-256, the same in every process, not string.GetHashCode (randomized per process).
        Assert.Equal(TrafficSplits.Bucket("key:key-1", "gpt-4o-mini"), TrafficSplits.Bucket("key:key-1", "gpt-4o-mini"));
        Assert.NotEqual(TrafficSplits.Bucket("key:key-1", "gpt-4o-mini"), TrafficSplits.Bucket("key:key-1", "gpt-4o"));
    }

    [Fact]
    public void Widening_a_canary_keeps_its_first_callers_on_it()
    {
        var five = Splits(("canary", 5));
        var ten = Splits(("canary", 10));

        var onFive = Enumerable.Range(0, 5_000).Select(i => Key($"key-{i}")).Where(r => five.Side("gpt-4o-mini", r, null) is not null).ToList();

        Assert.NotEmpty(onFive);
        Assert.All(onFive, r => Assert.Equal("canary", ten.Side("gpt-4o-mini", r, null)));
    }

    [Fact]
    public void Sticky_by_user_follows_the_user_field_across_keys_and_falls_back_to_the_key()
    {
        var splits = Splits(("gpt-4o", 50), stickyBy: "user");

        for (var i = 0; i < 100; i++)
        {
            var body = ClientRequest.TryParse($$"""{"messages":[],"user":"user-{{i}}"}""");
            var side = splits.Side("gpt-4o-mini", Key("key-a"), body);
            Assert.Equal(side, splits.Side("gpt-4o-mini", Key("key-b"), body));
        }

        var byKey = Enumerable.Range(0, 100).Select(i => Key($"key-{i}")).ToList();
        var noUser = ClientRequest.TryParse(Hello);
        var keySides = Splits(("gpt-4o", 50));
        Assert.All(byKey, r => Assert.Equal(keySides.Side("gpt-4o-mini", r, null), splits.Side("gpt-4o-mini", r, noUser)));
    }

    [Fact]
    public void A_model_without_splits_stays_where_it_is()
    {
        Assert.Null(Splits(("gpt-4o", 100)).Side("text-embedding-3-small", Key("key-1"), null));
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal("gpt-4o", Splits(("gpt-4o", 100)).Side("gpt-4o-mini", Key($"k{i}"), null)));
    }

    private static RouteCompletion Key(string keyId) => RouterHost.Chat(Hello, stream: false) with { KeyId = keyId };

    private static TrafficSplits Splits((string Target, double Percent) first, string? stickyBy = null) => Splits([first], stickyBy);

    private static TrafficSplits Splits((string Target, double Percent) first, (string Target, double Percent) second) => Splits([first, second], null);

    private static TrafficSplits Splits((string Target, double Percent)[] sides, string? stickyBy)
    {
        var options = new RouterOptions();
        var group = new ModelGroupOptions { StickyBy = stickyBy };
        foreach (var (target, percent) in sides)
        {
            group.Splits.Add(new TrafficSplitOptions { Target = target, Percent = percent });
        }

        options.Models["gpt-4o-mini"] = group;
        return new TrafficSplits(Options.Create(options));
    }
}
