using AiMesh.Policy.Limits;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Policy.Admin;

/// <summary>What a change needs besides its request: the store, the clock, and the announcement to every replica.</summary>
internal sealed class LimitChanges(
    IDbContextFactory<PolicyDbContext> databases, TimeProvider time, EntityRules rules, IPublishEndpoint publish, ILogger<LimitChanges> logger)
{
    public IDbContextFactory<PolicyDbContext> Databases => databases;

    public TimeProvider Time => time;

    /// <summary>This replica serves the change at once; the others when the event reaches them, or at their next reload.</summary>
    public async Task AnnounceAsync(string type, Guid subjectId, CancellationToken cancellationToken)
    {
        await rules.ReloadAsync(cancellationToken);
        try
        {
            await publish.Publish(new EntityRulesChanged(type, subjectId), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not OutOfMemoryException)
        {
            PolicyLog.ChangeNotAnnounced(logger, exception, nameof(EntityRulesChanged));
        }
    }
}
