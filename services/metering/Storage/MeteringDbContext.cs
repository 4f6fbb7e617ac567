using Microsoft.EntityFrameworkCore;

namespace AiMesh.Metering.Storage;

/// <summary>The usage event store. Append-only: saving a modified or deleted event is refused, not just avoided.</summary>
internal sealed class MeteringDbContext(DbContextOptions<MeteringDbContext> options) : DbContext(options)
{
    public DbSet<UsageEvent> UsageEvents => Set<UsageEvent>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseRewrites();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseRewrites();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyConfiguration(new UsageEventMap());

    private void RefuseRewrites()
    {
        if (ChangeTracker.Entries().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException($"{UsageEventMap.Table} is append-only: events are never updated nor deleted.");
        }
    }
}
