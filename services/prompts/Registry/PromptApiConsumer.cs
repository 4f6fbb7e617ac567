using AiMesh.Contracts.Prompts;
using AiMesh.Prompts.Store;
using MassTransit;

namespace AiMesh.Prompts.Registry;

/// <summary>
/// Prompts published as APIs, on the admin queue (<c>aimesh-prompts-admin</c>): set, read and withdrawn by policy's admin
/// API, and listed a page at a time for it (<see cref="ListPromptApiPage"/>); listed whole for the ingress
/// (<see cref="ListPromptApis"/>), which serves them. Every change is published as
/// <see cref="PromptApisChanged"/>, so every ingress replica lists them again at once rather than at its next reload.
/// </summary>
internal sealed class PromptApiConsumer(PromptApiStore store) :
    IConsumer<SetPromptApi>,
    IConsumer<GetPromptApi>,
    IConsumer<DeletePromptApi>,
    IConsumer<ListPromptApis>,
    IConsumer<ListPromptApiPage>
{
    public async Task Consume(ConsumeContext<SetPromptApi> context)
    {
        var m = context.Message;
        var (api, failure) = await store.SetAsync(m, context.CancellationToken);
        if (api is null)
        {
            await Fail(context, m.RequestId, failure!);
            return;
        }

        await context.Publish(new PromptApisChanged(m.Name));
        await context.RespondAsync(new PromptApiFound(m.RequestId, api));
    }

    public async Task Consume(ConsumeContext<GetPromptApi> context)
    {
        var m = context.Message;
        var api = await store.FindAsync(m.Name, context.CancellationToken);
        await (api is null ? Fail(context, m.RequestId, NotPublished(m.Name)) : context.RespondAsync(new PromptApiFound(m.RequestId, api)));
    }

    public async Task Consume(ConsumeContext<DeletePromptApi> context)
    {
        var m = context.Message;
        var api = await store.DeleteAsync(m.Name, m.DeletedBy, context.CancellationToken);
        if (api is null)
        {
            await Fail(context, m.RequestId, NotPublished(m.Name));
            return;
        }

        await context.Publish(new PromptApisChanged(m.Name));
        await context.RespondAsync(new PromptApiFound(m.RequestId, api));
    }

    public async Task Consume(ConsumeContext<ListPromptApis> context) =>
        await context.RespondAsync(new PromptApisListed(context.Message.RequestId, await store.ListAsync(context.CancellationToken)));

    public async Task Consume(ConsumeContext<ListPromptApiPage> context)
    {
        var m = context.Message;
        var (apis, total) = await store.PageAsync(
            m.OrganizationId, Math.Max(0, m.Offset), Math.Clamp(m.Limit, 1, PromptAdminConsumer.MaxPageSize), context.CancellationToken);
        await context.RespondAsync(new PromptApiPageListed(m.RequestId, apis, total));
    }

    private static StoreFailure NotPublished(string name) => new(404, "prompt_api_not_found", $"Prompt '{name}' is not published as an API.");

    private static Task Fail<T>(ConsumeContext<T> context, Guid requestId, StoreFailure failure)
        where T : class =>
        context.RespondAsync(new PromptRequestFailed(requestId, failure.Status, failure.Code, failure.Message));
}
