using AiMesh.Contracts.Secrets;
using MassTransit;

namespace AiMesh.Router.Secrets;

/// <summary>
/// Applies a credential change on this replica. Runs on a queue of this replica's own (<see cref="RouterModule"/>),
/// so every replica gets every change; one lost with a connection is covered by the periodic reload.
/// </summary>
internal sealed class ProviderCredentialChangedConsumer(ProviderCredentialStore store) : IConsumer<ProviderCredentialChanged>
{
    public Task Consume(ConsumeContext<ProviderCredentialChanged> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        store.Apply(context.Message);
        return Task.CompletedTask;
    }
}
