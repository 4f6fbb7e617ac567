using AiMesh.Contracts.Prompts;
using MassTransit;

namespace AiMesh.Ingress.Tests.Support;

/// <summary>Stands in for the prompts service on its queue.</summary>
internal sealed class PromptsStub(Neighbours neighbours) : IConsumer<RenderPrompt>
{
    public Task Consume(ConsumeContext<RenderPrompt> context)
    {
        neighbours.Renders.Add(context.Message);
        return neighbours.Prompts(context);
    }
}
