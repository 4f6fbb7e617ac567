using AiMesh.Prompts.Experiments;
using AiMesh.Prompts.Registry;
using AiMesh.Prompts.Rendering;
using AiMesh.Prompts.Store;
using AiMesh.Prompts.Templates;

namespace AiMesh.Prompts.Tests.Experiments;

/// <summary>
/// A label's experiment as the request path applies it, from this replica's catalog: the split's shares within
/// statistical tolerance over many users, one user always on one version, an explicit version bypassing the split, and
/// changed percents moving only the users whose bucket changed version.
/// </summary>
public sealed class SplitTests
{
    private const string Body = """{"model":"m","prompt":{"id":"support","variables":{}}}""";

    [Fact]
    public void Ten_thousand_users_split_90_10_within_four_sigma()
    {
        var catalog = Catalog(new SplitShare(1, 90), new SplitShare(2, 10));

        var versions = Enumerable.Range(0, 10_000).Select(i => Render(catalog, Body, $"end-user:user-{i}")).ToList();

        // Binomial: n = 10,000, p = 0.1, sigma = 30, so 4 sigma = 120.
        var second = versions.Count(v => v == "2");
        Assert.InRange(second, 1_000 - 120, 1_000 + 120);
        Assert.Equal(10_000, versions.Count(v => v is "1" or "2"));
    }

    [Fact]
    public void Three_way_split_holds_each_share_within_four_sigma()
    {
        var catalog = Catalog(new SplitShare(1, 50), new SplitShare(2, 30), new SplitShare(3, 20));

        var counts = Enumerable.Range(0, 10_000).Select(i => Render(catalog, Body, $"key:{Guid.NewGuid()}")).CountBy(v => v).ToDictionary();

        foreach (var (version, share) in new[] { ("1", 0.5), ("2", 0.3), ("3", 0.2) })
        {
            var sigma = Math.Sqrt(10_000 * share * (1 - share));
            Assert.InRange(counts[version], (10_000 * share) - (4 * sigma), (10_000 * share) + (4 * sigma));
        }
    }

    [Fact]
    public void One_user_gets_one_version_for_as_long_as_the_split_holds_and_users_differ()
    {
        var catalog = Catalog(new SplitShare(1, 50), new SplitShare(2, 50));

        foreach (var user in Enumerable.Range(0, 20).Select(i => $"end-user:u{i}"))
        {
            Assert.Single(Enumerable.Range(0, 50).Select(_ => Render(catalog, Body, user)).Distinct());
        }

        Assert.Equal(2, Enumerable.Range(0, 50).Select(i => Render(catalog, Body, $"end-user:u{i}")).Distinct().Count());
    }

    [Fact]
    public void An_explicit_version_bypasses_the_split_and_the_label_named_outright_follows_it()
    {
        // Every user on version 2 by the split; the label itself points at 1.
        var catalog = Catalog(new SplitShare(2, 100));

        Assert.Equal("2", Render(catalog, Body, "end-user:a"));
        Assert.Equal("2", Render(catalog, """{"model":"m","prompt":{"id":"support","label":"production","variables":{}}}""", "end-user:a"));
        Assert.Equal("1", Render(catalog, """{"model":"m","prompt":{"id":"support","version":1,"variables":{}}}""", "end-user:a"));
        Assert.Equal("3", Render(catalog, """{"model":"m","prompt":{"id":"support","version":"3","variables":{}}}""", "end-user:a"));

        // A label without a split is untouched by another label's split.
        Assert.Equal("3", Render(catalog, """{"model":"m","prompt":{"id":"support","label":"staging","variables":{}}}""", "end-user:a"));
    }

    [Fact]
    public void Without_a_sticky_key_each_request_is_drawn_apart()
    {
        var catalog = Catalog(new SplitShare(1, 50), new SplitShare(2, 50));

        var versions = Enumerable.Range(0, 200)
            .Select(_ => RenderPromptConsumer.Render(Guid.NewGuid(), Body, new PromptsOptions(), catalog).Rendered!.PromptVersion)
            .Distinct();

        Assert.Equal(["1", "2"], versions.Order());
    }

    [Fact]
    public void Raising_a_share_moves_only_users_toward_the_grown_version()
    {
        var users = Enumerable.Range(0, 2_000).Select(i => $"end-user:{i}").ToList();
        var before = users.Select(u => Render(Catalog(new SplitShare(1, 90), new SplitShare(2, 10)), Body, u)).ToList();
        var after = users.Select(u => Render(Catalog(new SplitShare(1, 80), new SplitShare(2, 20)), Body, u)).ToList();

        Assert.DoesNotContain(Enumerable.Range(0, users.Count), i => before[i] == "2" && after[i] == "1");
        Assert.Contains(Enumerable.Range(0, users.Count), i => before[i] == "1" && after[i] == "2");
    }

    [Fact]
    public void Buckets_cover_the_shares_in_order()
    {
        SplitShare[] shares = [new(1, 90), new(2, 10)];

        Assert.Equal((1, 1, 2, 2), (SplitChooser.Choose(shares, 0), SplitChooser.Choose(shares, 8_999), SplitChooser.Choose(shares, 9_000), SplitChooser.Choose(shares, 9_999)));
        Assert.Equal(SplitChooser.Bucket("p", "production", "end-user:a"), SplitChooser.Bucket("p", "production", "end-user:a"));
        Assert.InRange(SplitChooser.Bucket("p", "production", "end-user:a"), 0, SplitChooser.Buckets - 1);
    }

    private static string Render(PromptCatalog catalog, string body, string stickyKey)
    {
        var (rendered, failed) = RenderPromptConsumer.Render(Guid.NewGuid(), body, new PromptsOptions(), catalog, stickyKey);
        Assert.True(rendered is not null, failed?.Message);
        return rendered!.PromptVersion;
    }

    /// <summary>Prompt <c>support</c> with versions 1 to 3, <c>production</c> on 1 (split by <paramref name="shares"/>) and <c>staging</c> on 3.</summary>
    private static PromptCatalog Catalog(params SplitShare[] shares)
    {
        var at = DateTimeOffset.UnixEpoch;
        var versions = Enumerable.Range(1, 3)
            .Select(n => new StoredVersion(n, [new PromptMessage("system", $"v{n}")], [], null, null, null, null, "ada", "", at))
            .ToList();
        var labels = new Dictionary<string, StoredLabel>(StringComparer.Ordinal)
        {
            ["production"] = new("production", 1, at, "ops"),
            ["staging"] = new("staging", 3, at, "ops"),
        };
        var catalog = new PromptCatalog();
        catalog.ReplaceAll([new StoredPrompt(Guid.NewGuid(), "support", null, at, versions, labels)
        {
            Splits = new Dictionary<string, StoredSplit>(StringComparer.Ordinal) { ["production"] = new("production", shares, at, "ops") },
        }], catalog.BeginRead());
        return catalog;
    }
}
