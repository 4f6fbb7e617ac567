using AiMesh.Prompts.Registry;
using AiMesh.Prompts.Store;

namespace AiMesh.Prompts.Tests.Registry;

/// <summary>
/// Overlapping reads of the store finish in any order; the catalog keeps the result of the read that began last, so a
/// slow read that began before a label moved never puts the old label back over the admin write's own reload.
/// </summary>
public sealed class PromptCatalogTests
{
    [Fact]
    public void A_read_that_began_earlier_and_finished_later_never_replaces_a_newer_one()
    {
        var catalog = new PromptCatalog();
        var slow = catalog.BeginRead();     // a change event's read, begun before the move
        var fresh = catalog.BeginRead();    // the admin write's own read, after the move

        catalog.Set("p", Prompt("p", production: 2), fresh);
        catalog.Set("p", Prompt("p", production: 1), slow);

        Assert.True(catalog.TryGet("p", out var served));
        Assert.Equal(2, served.Labels["production"].Version);
    }

    [Fact]
    public void A_full_reload_begun_before_a_change_keeps_the_newer_entry_and_a_prompt_created_meanwhile()
    {
        var catalog = new PromptCatalog();
        catalog.Set("p", Prompt("p", production: 1), catalog.BeginRead());
        var reload = catalog.BeginRead();

        var moved = catalog.BeginRead();
        catalog.Set("p", Prompt("p", production: 2), moved);
        catalog.Set("new", Prompt("new", production: 1), catalog.BeginRead());
        catalog.ReplaceAll([Prompt("p", production: 1)], reload);

        Assert.Equal(2, Served(catalog, "p"));
        Assert.True(catalog.TryGet("new", out _));
        Assert.Equal(2, catalog.Count);
    }

    [Fact]
    public void A_full_reload_serves_what_it_read_and_drops_what_the_store_no_longer_has()
    {
        var catalog = new PromptCatalog();
        catalog.Set("gone", Prompt("gone", production: 1), catalog.BeginRead());
        catalog.Set("p", Prompt("p", production: 1), catalog.BeginRead());

        catalog.ReplaceAll([Prompt("p", production: 3)], catalog.BeginRead());

        Assert.Equal(3, Served(catalog, "p"));
        Assert.False(catalog.TryGet("gone", out _));
        Assert.Equal(1, catalog.Count);
    }

    private static int Served(PromptCatalog catalog, string name) =>
        catalog.TryGet(name, out var prompt) ? prompt.Labels["production"].Version : -1;

    private static StoredPrompt Prompt(string name, int production)
    {
        var versions = Enumerable.Range(1, 3)
            .Select(n => new StoredVersion(n, [new PromptMessage("system", $"v{n}")], [], null, null, null, null, "ada", "m", DateTimeOffset.UnixEpoch))
            .ToList();
        return new StoredPrompt(Guid.NewGuid(), name, null, DateTimeOffset.UnixEpoch, versions,
            new Dictionary<string, StoredLabel> { ["production"] = new("production", production, DateTimeOffset.UnixEpoch, "ops") });
    }
}
