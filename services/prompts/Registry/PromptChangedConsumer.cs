using AiMesh.Prompts.Store;
using MassTransit;

namespace AiMesh.Prompts.Registry;

/// <summary>Reads a changed prompt again into this replica's <see cref="PromptCatalog"/>, on the replica's own queue.</summary>
internal sealed class PromptChangedConsumer(PromptStore store, PromptCatalog catalog, ILogger<PromptChangedConsumer> logger) : IConsumer<PromptChanged>
{
    public async Task Consume(ConsumeContext<PromptChanged> context)
    {
        var name = context.Message.Name;
        await catalog.ReloadAsync(name, store, context.CancellationToken);
        PromptsLog.PromptReloaded(logger, name);
    }
}
