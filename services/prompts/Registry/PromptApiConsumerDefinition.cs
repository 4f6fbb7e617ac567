using AiMesh.Contracts;
using MassTransit;

namespace AiMesh.Prompts.Registry;

/// <summary>On the admin queue beside <see cref="PromptAdminConsumer"/>, and for the same reason without retries: the asker waits with a timeout.</summary>
internal sealed class PromptApiConsumerDefinition : ConsumerDefinition<PromptApiConsumer>
{
    public PromptApiConsumerDefinition()
    {
        Endpoint(e => e.Name = Endpoints.PromptsAdmin);
    }
}
