using AiMesh.Contracts.Prompts;
using AiMesh.Prompts.Tests.Support;

namespace AiMesh.Prompts.Tests.Registry;

/// <summary>
/// The registry's admin queue as policy's admin API asks it: create, publish, label, rollback, diff and preview, each
/// write seen by rendering at once (its <c>PromptChanged</c> reloads the replica), faults answered with a status and
/// words that name the variable or the template's fault and nothing of the server.
/// </summary>
public sealed class AdminSpecs
{
    private static readonly Guid Id = Guid.NewGuid();

    [Fact]
    public async Task A_prompt_is_created_published_labelled_rolled_back_and_diffed_and_requests_follow_each_change()
    {
        await using var host = await PromptsHost.StartLoadedAsync([]);

        var (created, _) = await host.AdminAsync<CreatePrompt, PromptFound>(new CreatePrompt(Id, "support", "org-1"));
        var (_, taken) = await host.AdminAsync<CreatePrompt, PromptFound>(new CreatePrompt(Id, "support", null));
        Assert.Equal(("support", "org-1"), (created!.Prompt.Name, created.Prompt.OrganizationId));
        Assert.Equal((409, "prompt_exists"), (taken!.Status, taken.Code));

        await PublishAsync(host, "Help with {{ product }}.", "first");
        var (two, _) = await PublishAsync(host, "Help with {{ product }}.\nBe brief.", "brief");
        Assert.Equal(2, two!.Version.Number);

        // No label yet: requests get the latest; after a move, the label's version, at once on this replica.
        Assert.Equal("2", await RenderedVersionAsync(host));
        var (moved, _) = await host.AdminAsync<MovePromptLabel, PromptLabelMoved>(new MovePromptLabel(Id, "support", "production", 1, null, false, "ops"));
        Assert.Equal(1, moved!.Label.Version);
        Assert.Equal("1", await RenderedVersionAsync(host));
        await host.AdminAsync<MovePromptLabel, PromptLabelMoved>(new MovePromptLabel(Id, "support", "production", 2, 1, false, "ops"));
        Assert.Equal("2", await RenderedVersionAsync(host));
        var (_, stale) = await host.AdminAsync<MovePromptLabel, PromptLabelMoved>(new MovePromptLabel(Id, "support", "production", 1, 1, false, "ops"));
        Assert.Equal((409, "label_moved"), (stale!.Status, stale.Code));
        var (back, _) = await host.AdminAsync<MovePromptLabel, PromptLabelMoved>(new MovePromptLabel(Id, "support", "production", null, null, true, "ops"));
        Assert.Equal(1, back!.Label.Version);
        Assert.Equal("1", await RenderedVersionAsync(host));

        var (diff, _) = await host.AdminAsync<DiffPromptVersions, PromptVersionsDiffed>(new DiffPromptVersions(Id, "support", 1, 2));
        Assert.Contains("--- support v1", diff!.Diff, StringComparison.Ordinal);
        Assert.Contains("+++ support v2", diff.Diff, StringComparison.Ordinal);
        Assert.Contains("+Be brief.", diff.Diff, StringComparison.Ordinal);
        Assert.DoesNotContain("-Help with", diff.Diff, StringComparison.Ordinal);
        var (_, noVersion) = await host.AdminAsync<DiffPromptVersions, PromptVersionsDiffed>(new DiffPromptVersions(Id, "support", 1, 7));
        Assert.Equal((404, "prompt_version_not_found"), (noVersion!.Status, noVersion.Code));

        var (found, _) = await host.AdminAsync<GetPrompt, PromptFound>(new GetPrompt(Id, "support"));
        Assert.Equal([1, 2], found!.Prompt.Versions.Select(v => v.Number));
        Assert.Equal(("production", 1), (found.Prompt.Labels.Single().Name, found.Prompt.Labels.Single().Version));
        var (listed, _) = await host.AdminAsync<ListPrompts, PromptsListed>(new ListPrompts(Id, "org-1", 0, 10));
        Assert.Equal((1, "support", 2), (listed!.Total, listed.Prompts[0].Name, listed.Prompts[0].LatestVersion));
    }

    [Fact]
    public async Task Preview_renders_without_routing_and_answers_a_missing_variable_or_a_bad_version_as_a_request_would()
    {
        await using var host = await PromptsHost.StartLoadedAsync([]);
        await host.AdminAsync<CreatePrompt, PromptFound>(new CreatePrompt(Id, "support", null));
        await PublishAsync(host, "Help with {{ product }}.", "first");

        var (preview, _) = await host.AdminAsync<PreviewPrompt, PromptPreviewed>(new PreviewPrompt(Id, "support", null, null, """{"product":"tea"}"""));
        var (_, missing) = await host.AdminAsync<PreviewPrompt, PromptPreviewed>(new PreviewPrompt(Id, "support", null, null, "{}"));
        var (_, notObject) = await host.AdminAsync<PreviewPrompt, PromptPreviewed>(new PreviewPrompt(Id, "support", null, null, "[1]"));
        var (_, noLabel) = await host.AdminAsync<PreviewPrompt, PromptPreviewed>(new PreviewPrompt(Id, "support", null, "staging", "{}"));

        Assert.Equal(("1", "system", "Help with tea."), (preview!.Version, preview.Messages[0].Role, preview.Messages[0].Content));
        Assert.Equal((400, "missing_prompt_variable"), (missing!.Status, missing.Code));
        Assert.Contains("'product'", missing.Message, StringComparison.Ordinal);
        Assert.Equal(400, notObject!.Status);
        Assert.Equal((404, "prompt_label_not_found"), (noLabel!.Status, noLabel.Code));
    }

    [Fact]
    public async Task A_version_with_a_template_error_is_refused_naming_the_fault_and_no_server_internals()
    {
        await using var host = await PromptsHost.StartLoadedAsync([]);
        await host.AdminAsync<CreatePrompt, PromptFound>(new CreatePrompt(Id, "support", null));

        var (_, undeclared) = await PublishAsync(host, "Hi {{ customer }}", "bad");
        var (_, syntax) = await PublishAsync(host, "{% for x in %}", "bad");
        var (_, include) = await PublishAsync(host, "{% include 'secrets.txt' %}", "bad");

        Assert.Equal((400, "invalid_prompt"), (undeclared!.Status, undeclared.Code));
        Assert.Contains("'customer'", undeclared.Message, StringComparison.Ordinal);
        foreach (var failed in new[] { undeclared, syntax!, include! })
        {
            Assert.Equal(400, failed.Status);
            Assert.DoesNotContain("   at ", failed.Message, StringComparison.Ordinal); // no stack frame
            Assert.DoesNotContain("Exception", failed.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("/", failed.Message, StringComparison.Ordinal);
        }

        var (found, _) = await host.AdminAsync<GetPrompt, PromptFound>(new GetPrompt(Id, "support"));
        Assert.Empty(found!.Prompt.Versions);
    }

    private static Task<(PromptVersionPublished? Answer, PromptRequestFailed? Failed)> PublishAsync(PromptsHost host, string content, string message) =>
        host.AdminAsync<PublishPromptVersion, PromptVersionPublished>(new PublishPromptVersion(
            Id, "support", [new PromptMessageDetail("system", content)], ["product"], null, null, null, "ada", message));

    private static async Task<string> RenderedVersionAsync(PromptsHost host)
    {
        var (rendered, failed) = await host.RenderAsync("""{"model":"m","prompt":{"id":"support","variables":{"product":"tea"}}}""");
        Assert.True(rendered is not null, failed?.Message);
        return rendered!.PromptVersion;
    }
}
