using AiMesh.Contracts;
using MassTransit;

namespace AiMesh.Prompts.Rendering;

/// <summary>Rendering is pure and in memory: no retry; a fault answers the saga at once.</summary>
internal sealed class RenderPromptConsumerDefinition : ConsumerDefinition<RenderPromptConsumer>
{
    public RenderPromptConsumerDefinition()
    {
        EndpointName = Endpoints.Prompts;
    }
}
