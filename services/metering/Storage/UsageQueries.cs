using AiMesh.Contracts.Metering;
using AiMesh.Metering.Recording;
using Microsoft.EntityFrameworkCore;

namespace AiMesh.Metering.Storage;

/// <summary>Reads of the usage log: the duplicate path of the consumer, and the tests.</summary>
internal sealed class UsageQueries(MeteringDbContext db)
{
    public Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        db.UsageEvents.CountAsync(cancellationToken);

    public Task<UsageEvent?> FindByRequestIdAsync(Guid requestId, CancellationToken cancellationToken = default) =>
        db.UsageEvents.AsNoTracking().SingleOrDefaultAsync(e => e.RequestId == requestId, cancellationToken);

    /// <summary>One request's event as a usage record, with its logged bodies when they are kept; no record when none is stored.</summary>
    public async Task<UsageRecordFound> FindRecordAsync(FindUsageRecord find, CancellationToken cancellationToken)
    {
        if (await FindByRequestIdAsync(find.UsageRequestId, cancellationToken) is not { } stored)
        {
            return new UsageRecordFound(find.RequestId, null);
        }

        var bodies = await UsageBodyTable.FindAsync(db, find.UsageRequestId, cancellationToken);
        return new UsageRecordFound(find.RequestId, stored.ToRecordUsage(bodies?.Bodies), stored.RecordedAt, bodies?.StoredAt);
    }

    /// <summary>0 when the log is empty.</summary>
    public async Task<long> LastSequenceAsync(CancellationToken cancellationToken = default) =>
        await db.UsageEvents.MaxAsync(e => (long?)e.Sequence, cancellationToken) ?? 0;

    /// <summary>Events after <paramref name="afterSequence"/> in replay order.</summary>
    public async Task<IReadOnlyList<UsageEvent>> ReadAfterAsync(long afterSequence, int max, CancellationToken cancellationToken = default) =>
        await db.UsageEvents.AsNoTracking()
            .Where(e => e.Sequence > afterSequence)
            .OrderBy(e => e.Sequence)
            .Take(max)
            .ToListAsync(cancellationToken);
}
