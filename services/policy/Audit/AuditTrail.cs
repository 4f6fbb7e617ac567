using System.Text.Json;
using AiMesh.Policy.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AiMesh.Policy.Audit;

/// <summary>
/// Appends to the audit trail in the same transaction as the change it records, so there is never a change without
/// its entry or an entry without its change. Appends are serialized (PostgreSQL: a transaction-scoped advisory lock;
/// SQLite: the transaction is <c>BEGIN IMMEDIATE</c>, the database's one write lock), so two writers can never read
/// the same last entry and fork the chain; the primary key on <c>sequence</c> would refuse it anyway.
/// </summary>
internal static class AuditTrail
{
    private const string PostgresLock =
        "SELECT pg_advisory_xact_lock(hashtextextended('aimesh-policy-audit:' || coalesce(current_schema(), ''), 0))";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Opens the write transaction (holding the append lock) before a read-modify-write, so the state read is the
    /// state changed and the entry's "before" is exact: two concurrent changes of one object run one after the other.
    /// <see cref="SaveAsync"/> then commits it; disposing it unsaved rolls it back.
    /// </summary>
    public static async Task<IDbContextTransaction> BeginAsync(PolicyDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync(PostgresLock, cancellationToken);
        }

        return transaction;
    }

    /// <summary>
    /// Saves the changes tracked in <paramref name="db"/> and their audit entry in one transaction: the one
    /// <see cref="BeginAsync"/> opened, else a new one.
    /// </summary>
    public static async Task SaveAsync(PolicyDbContext db, AuditActor actor, AuditChange change, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var own = db.Database.CurrentTransaction is null ? await BeginAsync(db, cancellationToken) : null;
        await AppendAsync(db, actor, change, at, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await db.Database.CurrentTransaction!.CommitAsync(cancellationToken);
    }

    /// <summary>Adds the entry to <paramref name="db"/> inside the caller's open transaction; the caller saves and commits.</summary>
    public static async Task AppendAsync(PolicyDbContext db, AuditActor actor, AuditChange change, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(change);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync(PostgresLock, cancellationToken);
        }

        var last = await db.AuditEvents.OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        var entry = new AuditEvent
        {
            Sequence = (last?.Sequence ?? 0) + 1,
            OccurredAt = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()),
            Actor = actor.Name,
            OrganizationId = change.OrganizationId,
            Operation = change.Operation,
            ObjectType = change.ObjectType,
            ObjectId = change.ObjectId,
            BeforeJson = change.Before is null ? null : JsonSerializer.Serialize(change.Before, change.Before.GetType(), Json),
            AfterJson = change.After is null ? null : JsonSerializer.Serialize(change.After, change.After.GetType(), Json),
            ClientAddress = actor.ClientAddress,
            PreviousHash = last?.Hash ?? AuditHash.Genesis,
        };
        entry.Hash = AuditHash.Of(entry);
        db.AuditEvents.Add(entry);
    }
}
