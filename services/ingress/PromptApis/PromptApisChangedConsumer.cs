using AiMesh.Contracts.Prompts;
using MassTransit;

namespace AiMesh.Ingress.PromptApis;

/// <summary>A published API changed: this replica asks for the list again, on its own temporary queue (every replica must hear it).</summary>
internal sealed class PromptApisChangedConsumer(PromptApiCatalogRefresher refresher) : IConsumer<PromptApisChanged>
{
    public Task Consume(ConsumeContext<PromptApisChanged> context)
    {
        refresher.Changed();
        return Task.CompletedTask;
    }
}
