using System.Text.Json.Nodes;
using AiMesh.Contracts.Prompts;
using AiMesh.Prompts.Rendering;
using AiMesh.Prompts.Store;
using AiMesh.Prompts.Templates;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Prompts.Registry;

/// <summary>
/// The registry's admin side (queue <c>aimesh-prompts-admin</c>), asked by policy's admin API once it has
/// authenticated and authorized the caller: this service trusts what policy sends and checks only the prompt itself.
/// Every write that changed something is read again into this replica's catalog before the answer, and published as
/// <see cref="PromptChanged"/>, so every other replica serves it as soon as the event arrives.
/// </summary>
internal sealed class PromptAdminConsumer(
    PromptStore store,
    PromptCatalog catalog,
    IOptionsMonitor<PromptsOptions> options) :
    IConsumer<ListPrompts>,
    IConsumer<GetPrompt>,
    IConsumer<CreatePrompt>,
    IConsumer<PublishPromptVersion>,
    IConsumer<MovePromptLabel>,
    IConsumer<DiffPromptVersions>,
    IConsumer<PreviewPrompt>,
    IConsumer<SetPromptSplit>
{
    public const int MaxPageSize = 200;

    public async Task Consume(ConsumeContext<ListPrompts> context)
    {
        var m = context.Message;
        var (prompts, total) = await store.ListAsync(m.OrganizationId, Math.Max(0, m.Offset), Math.Clamp(m.Limit, 1, MaxPageSize), context.CancellationToken);
        await context.RespondAsync(new PromptsListed(
            m.RequestId,
            prompts.Select(p => new PromptSummary(p.Name, p.OrganizationId, p.Created, p.Latest?.Number, Labels(p))).ToList(),
            total));
    }

    public async Task Consume(ConsumeContext<GetPrompt> context)
    {
        var m = context.Message;
        var prompt = await store.FindAsync(m.Name, context.CancellationToken);
        await (prompt is null
            ? Fail(context, m.RequestId, StoreFailure.NotFound(m.Name))
            : context.RespondAsync(new PromptFound(m.RequestId, Detail(prompt))));
    }

    public async Task Consume(ConsumeContext<CreatePrompt> context)
    {
        var m = context.Message;
        var (prompt, failure) = await store.CreateAsync(m.Name, m.OrganizationId, context.CancellationToken);
        if (prompt is null)
        {
            await Fail(context, m.RequestId, failure!);
            return;
        }

        await ChangedAsync(context, m.Name);
        await context.RespondAsync(new PromptFound(m.RequestId, Detail(prompt)));
    }

    public async Task Consume(ConsumeContext<PublishPromptVersion> context)
    {
        var m = context.Message;
        var draft = new VersionDraft(
            (m.Messages ?? []).Select(x => new PromptMessage(x.Role, x.Content)).ToList(),
            m.Variables ?? [],
            m.VariablesSchema,
            m.Model,
            m.Parameters,
            m.Author,
            m.Message ?? "");
        var (version, failure) = await store.PublishAsync(m.Name, draft, context.CancellationToken);
        if (version is null)
        {
            await Fail(context, m.RequestId, failure!);
            return;
        }

        await ChangedAsync(context, m.Name);
        await context.RespondAsync(new PromptVersionPublished(m.RequestId, m.Name, Detail(version)));
    }

    public async Task Consume(ConsumeContext<MovePromptLabel> context)
    {
        var m = context.Message;
        (StoredLabel? Label, StoreFailure? Failure) outcome;
        if (m.Rollback)
        {
            outcome = await store.RollbackAsync(m.Name, m.Label, m.MovedBy, context.CancellationToken);
        }
        else if (m.Version is not { } version)
        {
            outcome = (null, StoreFailure.Invalid("A label move needs the version to point at."));
        }
        else
        {
            outcome = await store.MoveLabelAsync(m.Name, m.Label, version, m.ExpectedVersion, m.MovedBy, context.CancellationToken);
        }

        if (outcome.Label is not { } label)
        {
            await Fail(context, m.RequestId, outcome.Failure!);
            return;
        }

        await ChangedAsync(context, m.Name);
        await context.RespondAsync(new PromptLabelMoved(m.RequestId, m.Name, Detail(label)));
    }

    /// <summary>Starts, replaces or ends the experiment on a label; every replica serves the change on <see cref="PromptChanged"/>.</summary>
    public async Task Consume(ConsumeContext<SetPromptSplit> context)
    {
        var m = context.Message;
        if (m.Versions.Count == 0)
        {
            if (await store.EndSplitAsync(m.Name, m.Label, m.ChangedBy, context.CancellationToken) is { } failed)
            {
                await Fail(context, m.RequestId, failed);
                return;
            }

            await ChangedAsync(context, m.Name);
            await context.RespondAsync(new PromptSplitSet(m.RequestId, m.Name, m.Label, null));
            return;
        }

        var (split, failure) = await store.SetSplitAsync(
            m.Name, m.Label, m.Versions.Select(v => new SplitShare(v.Version, v.Percent)).ToList(), m.ChangedBy, context.CancellationToken);
        if (split is null)
        {
            await Fail(context, m.RequestId, failure!);
            return;
        }

        await ChangedAsync(context, m.Name);
        await context.RespondAsync(new PromptSplitSet(m.RequestId, m.Name, m.Label, Detail(split)));
    }

    public async Task Consume(ConsumeContext<DiffPromptVersions> context)
    {
        var m = context.Message;
        var prompt = await store.FindAsync(m.Name, context.CancellationToken);
        if (prompt is null)
        {
            await Fail(context, m.RequestId, StoreFailure.NotFound(m.Name));
            return;
        }

        if (prompt.Version(m.From) is not { } from || prompt.Version(m.To) is not { } to)
        {
            await Fail(context, m.RequestId, StoreFailure.VersionNotFound(m.Name, prompt.Version(m.From) is null ? m.From : m.To));
            return;
        }

        await context.RespondAsync(new PromptVersionsDiffed(m.RequestId, m.Name, m.From, m.To, VersionDiff.Of(m.Name, from, to)));
    }

    /// <summary>
    /// Renders as a request would, from the store's current state (this replica's copy of the prompt is refreshed
    /// first, so a preview right after a publish sees it), and routes nothing.
    /// </summary>
    public async Task Consume(ConsumeContext<PreviewPrompt> context)
    {
        var m = context.Message;
        await catalog.ReloadAsync(m.Name, store, context.CancellationToken);
        JsonNode? variables;
        try
        {
            variables = JsonNode.Parse(string.IsNullOrEmpty(m.Variables) ? "{}" : m.Variables);
        }
        catch (System.Text.Json.JsonException)
        {
            variables = null;
        }

        if (variables is not JsonObject)
        {
            await Fail(context, m.RequestId, StoreFailure.Invalid("The variables must be a JSON object."));
            return;
        }

        var prompt = new JsonObject { ["id"] = m.Name, ["variables"] = variables };
        if (m.Version is { } version)
        {
            prompt["version"] = version;
        }

        if (m.Label is { } label)
        {
            prompt["label"] = label;
        }

        var body = new JsonObject { ["prompt"] = prompt }.ToJsonString();
        var (rendered, failed) = RenderPromptConsumer.Render(m.RequestId, body, options.CurrentValue, catalog);
        if (rendered is null)
        {
            await context.RespondAsync(new PromptRequestFailed(m.RequestId, failed!.Status, failed.Code, failed.Message));
            return;
        }

        var messages = (JsonNode.Parse(rendered.Body)!["messages"] as JsonArray ?? [])
            .Select(x => new PromptMessageDetail(x!["role"]!.GetValue<string>(), x["content"]!.GetValue<string>()))
            .ToList();
        await context.RespondAsync(new PromptPreviewed(m.RequestId, m.Name, rendered.PromptVersion, messages));
    }

    /// <summary>
    /// This replica serves the change before the answer goes back (an admin who moves a label and then sends a request
    /// through the same replica sees it); the others read it on the published <see cref="PromptChanged"/>.
    /// </summary>
    private async Task ChangedAsync<T>(ConsumeContext<T> context, string name)
        where T : class
    {
        await catalog.ReloadAsync(name, store, context.CancellationToken);
        await context.Publish(new PromptChanged(name));

        // A moved label or a new version may change what a published API runs (and its input schema): the ingress lists again.
        await context.Publish(new PromptApisChanged(name));
    }

    private static Task Fail<T>(ConsumeContext<T> context, Guid requestId, StoreFailure failure)
        where T : class =>
        context.RespondAsync(new PromptRequestFailed(requestId, failure.Status, failure.Code, failure.Message));

    private static PromptDetail Detail(StoredPrompt p) =>
        new(p.Name, p.OrganizationId, p.Created, p.Versions.Select(Detail).ToList(), Labels(p),
            p.Splits.Count == 0 ? null : p.Splits.Values.OrderBy(s => s.Label, StringComparer.Ordinal).Select(Detail).ToList());

    private static PromptSplitDetail Detail(StoredSplit s) =>
        new(s.Label, s.Shares.Select(x => new PromptSplitShare(x.Version, x.Percent)).ToList(), s.ChangedAt, s.ChangedBy);

    private static List<PromptLabelDetail> Labels(StoredPrompt p) =>
        p.Labels.Values.OrderBy(l => l.Name, StringComparer.Ordinal).Select(Detail).ToList();

    private static PromptLabelDetail Detail(StoredLabel l) => new(l.Name, l.Version, l.MovedAt, l.MovedBy);

    private static PromptVersionDetail Detail(StoredVersion v) => new(
        v.Number,
        v.Messages.Select(x => new PromptMessageDetail(x.Role, x.Content)).ToList(),
        v.Variables,
        v.VariablesSchema,
        v.Model,
        v.Parameters,
        v.Author,
        v.Message,
        v.Created);
}
