using MassTransit;

namespace AiMesh.Policy.Keys;

/// <summary>
/// Refreshes this replica's copy of a changed key, access group, or limits and budgets set per entity. Runs on a queue of this replica's own
/// (<see cref="PolicyModule"/>), so every replica gets every change; a change lost with a broker connection is
/// picked up by the periodic reload.
/// </summary>
internal sealed class KeyStoreChangedConsumer(StoredKeys keys, Limits.EntityRules entityRules)
    : IConsumer<KeyChanged>, IConsumer<AccessGroupChanged>, IConsumer<Limits.EntityRulesChanged>
{
    public Task Consume(ConsumeContext<KeyChanged> context) => keys.ReloadKeyAsync(context.Message.KeyId, context.CancellationToken);

    public Task Consume(ConsumeContext<AccessGroupChanged> context) =>
        keys.ReloadAccessGroupAsync(context.Message.OrganizationId, context.Message.Name, context.CancellationToken);

    public Task Consume(ConsumeContext<Limits.EntityRulesChanged> context) => entityRules.ReloadAsync(context.CancellationToken);
}
