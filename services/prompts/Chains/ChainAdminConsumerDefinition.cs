using AiMesh.Contracts;
using MassTransit;

namespace AiMesh.Prompts.Chains;

/// <summary>
/// On the registry's admin queue (<c>aimesh-prompts-admin</c>) beside <c>PromptAdminConsumer</c>: no retry, for the
/// same reason (the asker waits with a timeout and answers 503 itself).
/// </summary>
internal sealed class ChainAdminConsumerDefinition : ConsumerDefinition<ChainAdminConsumer>
{
    public ChainAdminConsumerDefinition()
    {
        Endpoint(e => e.Name = Endpoints.PromptsAdmin);
    }
}
