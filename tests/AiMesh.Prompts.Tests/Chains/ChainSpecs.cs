using AiMesh.Contracts.Prompts;
using AiMesh.Prompts.Store;
using AiMesh.Prompts.Tests.Support;

namespace AiMesh.Prompts.Tests.Chains;

/// <summary>
/// Prompt chains in the registry on a real database, run once per provider, asked on the admin queue as policy's admin
/// API and the ingress ask: a definition is checked whole when saved (sources name the input, a literal or an earlier
/// step; prompts, versions and labels exist; every step has a model), read back as saved, replaced by a PUT and
/// deleted. (A registry created before chains gaining the table: <c>Registry/SchemaSpecs.cs</c>.)
/// </summary>
public abstract class ChainSpecs(ITestDatabase database)
{
    private static readonly VersionDraft Draft = new(
        [new PromptMessage("user", "echo: {{ text }}")], ["text"], null, null, null, "ada", "first");

    [Fact]
    public async Task A_valid_chain_is_saved_read_back_replaced_and_deleted()
    {
        await using var host = await StartAsync();
        var (summarize, translate) = (await PromptAsync(host), await PromptAsync(host));
        var name = $"c-{Guid.NewGuid():N}";
        var steps = new List<ChainStepDetail>
        {
            new("summarize", summarize, 1, null, new Dictionary<string, string> { ["text"] = "$input.text" }, null),
            new("translate", translate, null, "production", new Dictionary<string, string> { ["text"] = "$steps.summarize.output" }, "gpt-4o"),
        };

        var (saved, refused) = await host.AdminAsync<SaveChain, ChainFound>(new SaveChain(Guid.NewGuid(), name, "org-1", "gpt-4o-mini", steps, "ada"));
        Assert.True(saved is not null, refused?.Message);
        var (found, _) = await host.AdminAsync<GetChain, ChainFound>(new GetChain(Guid.NewGuid(), name));
        var chain = found!.Chain;
        Assert.Equal((name, "org-1", "gpt-4o-mini", "ada"), (chain.Name, chain.OrganizationId, chain.Model, chain.UpdatedBy));
        Assert.Equal(["summarize", "translate"], chain.Steps.Select(s => s.Name));
        Assert.Equal((1, (string?)null, "$input.text"), (chain.Steps[0].Version, chain.Steps[0].Label, chain.Steps[0].Variables["text"]));
        Assert.Equal(("production", "gpt-4o", "$steps.summarize.output"), (chain.Steps[1].Label, chain.Steps[1].Model, chain.Steps[1].Variables["text"]));

        // A PUT replaces the steps; the chain stays its organization's.
        var (replaced, _) = await host.AdminAsync<SaveChain, ChainFound>(new SaveChain(Guid.NewGuid(), name, "org-2", "gpt-4o-mini", steps[..1], "grace"));
        Assert.Equal(("org-1", 1, "grace"), (replaced!.Chain.OrganizationId, replaced.Chain.Steps.Count, replaced.Chain.UpdatedBy));

        var (deleted, _) = await host.AdminAsync<DeleteChain, ChainDeleted>(new DeleteChain(Guid.NewGuid(), name));
        Assert.Equal(name, deleted!.Name);
        var (_, gone) = await host.AdminAsync<GetChain, ChainFound>(new GetChain(Guid.NewGuid(), name));
        Assert.Equal((404, "chain_not_found"), (gone!.Status, gone.Code));
        var (_, deletedTwice) = await host.AdminAsync<DeleteChain, ChainDeleted>(new DeleteChain(Guid.NewGuid(), name));
        Assert.Equal(404, deletedTwice!.Status);
    }

    [Fact]
    public async Task A_definition_with_bad_references_missing_prompts_or_no_model_is_400_naming_every_fault_and_never_stored()
    {
        await using var host = await StartAsync();
        var prompt = await PromptAsync(host);
        var name = $"c-{Guid.NewGuid():N}";
        var steps = new List<ChainStepDetail>
        {
            new("first", prompt, null, null, new Dictionary<string, string> { ["text"] = "$steps.second.output" }, "gpt-4o-mini"),
            new("second", prompt, 7, null, new Dictionary<string, string> { ["text"] = "$steps.nowhere.output" }, null),
            new("third", "no-such-prompt", null, null, new Dictionary<string, string> { ["text"] = "$oops" }, "gpt-4o-mini"),
            new("first", prompt, null, "staging", new Dictionary<string, string> { ["text"] = "a literal" }, "gpt-4o-mini"),
        };

        var (saved, refused) = await host.AdminAsync<SaveChain, ChainFound>(new SaveChain(Guid.NewGuid(), name, null, null, steps, "ada"));

        Assert.Null(saved);
        Assert.Equal((400, "invalid_chain"), (refused!.Status, refused.Code));
        Assert.Contains("steps[0] (first): variable 'text' refers to step 'second', which does not run before it.", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"steps[1] (second): prompt '{prompt}' has no version 7.", refused.Message, StringComparison.Ordinal);
        Assert.Contains("steps[1] (second): no model; give the step or the chain one.", refused.Message, StringComparison.Ordinal);
        Assert.Contains("steps[1] (second): variable 'text' refers to step 'nowhere', which the chain does not have.", refused.Message, StringComparison.Ordinal);
        Assert.Contains("steps[2] (third): no prompt named 'no-such-prompt'.", refused.Message, StringComparison.Ordinal);
        Assert.Contains("steps[2] (third): variable 'text' '$oops' is not a source", refused.Message, StringComparison.Ordinal);
        Assert.Contains("steps[3]: another step is named 'first'.", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"steps[3] (first): prompt '{prompt}' has no label 'staging'.", refused.Message, StringComparison.Ordinal);
        var (_, missing) = await host.AdminAsync<GetChain, ChainFound>(new GetChain(Guid.NewGuid(), name));
        Assert.Equal(404, missing!.Status);

        var (_, empty) = await host.AdminAsync<SaveChain, ChainFound>(new SaveChain(Guid.NewGuid(), name, null, "gpt-4o-mini", [], "ada"));
        Assert.Equal("A chain needs 1 to 20 steps.", empty!.Message);
    }

    private Task<PromptsHost> StartAsync() => PromptsHost.StartLoadedAsync(new Dictionary<string, string?>
    {
        ["Prompts:Database:Provider"] = database.Provider,
        ["Prompts:Database:ConnectionString"] = database.ConnectionString,
    });

    private static async Task<string> PromptAsync(PromptsHost host)
    {
        var name = $"p-{Guid.NewGuid():N}";
        var (created, failure) = await host.StoreAsync(s => s.CreateAsync(name, null, default));
        Assert.True(created is not null, failure?.Message);
        var (version, failed) = await host.StoreAsync(s => s.PublishAsync(name, Draft, default));
        Assert.True(version is not null, failed?.Message);
        var (label, moveFailed) = await host.StoreAsync(s => s.MoveLabelAsync(name, "production", 1, null, "ada", default));
        Assert.True(label is not null, moveFailed?.Message);
        return name;
    }
}
