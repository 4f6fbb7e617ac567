using AiMesh.Contracts.Prompts;
using AiMesh.Prompts.Store;
using MassTransit;

namespace AiMesh.Prompts.Chains;

/// <summary>
/// Chains on queue <c>aimesh-prompts-admin</c>: saved and deleted for policy's admin API (which has authorized the
/// caller), read for it and for the ingress before a run. Read from the database each time, not cached: a run reads
/// its chain once (its steps' prompts are rendered from the catalog as usual), so a cache would save one indexed read
/// per run at the price of an invalidation event of its own.
/// </summary>
internal sealed class ChainAdminConsumer(ChainStore store) :
    IConsumer<SaveChain>,
    IConsumer<GetChain>,
    IConsumer<DeleteChain>
{
    public async Task Consume(ConsumeContext<SaveChain> context)
    {
        var m = context.Message;
        var (chain, failure) = await store.SaveAsync(m, context.CancellationToken);
        await (chain is null ? Fail(context, m.RequestId, failure!) : context.RespondAsync(new ChainFound(m.RequestId, chain)));
    }

    public async Task Consume(ConsumeContext<GetChain> context)
    {
        var m = context.Message;
        var chain = await store.FindAsync(m.Name, context.CancellationToken);
        await (chain is null ? Fail(context, m.RequestId, ChainStore.NotFound(m.Name)) : context.RespondAsync(new ChainFound(m.RequestId, chain)));
    }

    public async Task Consume(ConsumeContext<DeleteChain> context)
    {
        var m = context.Message;
        await (await store.DeleteAsync(m.Name, context.CancellationToken)
            ? context.RespondAsync(new ChainDeleted(m.RequestId, m.Name))
            : Fail(context, m.RequestId, ChainStore.NotFound(m.Name)));
    }

    private static Task Fail<T>(ConsumeContext<T> context, Guid requestId, StoreFailure failure)
        where T : class =>
        context.RespondAsync(new PromptRequestFailed(requestId, failure.Status, failure.Code, failure.Message));
}
