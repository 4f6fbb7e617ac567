using AiMesh.Contracts;
using MassTransit;

namespace AiMesh.Prompts.Registry;

/// <summary>
/// Queue <c>aimesh-prompts-admin</c>, apart from rendering so an admin's database work never delays a request's
/// prompt. No retry: the asker (policy's admin API) waits with a timeout and answers 503 itself, and a write repeated
/// after it gave up could publish a version nobody is waiting for.
/// </summary>
internal sealed class PromptAdminConsumerDefinition : ConsumerDefinition<PromptAdminConsumer>
{
    public PromptAdminConsumerDefinition()
    {
        Endpoint(e => e.Name = Endpoints.PromptsAdmin);
    }
}
