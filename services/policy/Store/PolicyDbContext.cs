using System.Text.Json;
using AiMesh.Policy.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AiMesh.Policy.Store;

/// <summary>
/// The policy store. The schema itself is not EF's: it comes from the versioned SQL in <c>Store/Migrations/</c>;
/// this maps the same tables and columns. Lists and tag maps are JSON text on both providers (one schema shape,
/// and they are only ever read whole). On SQLite, times are Unix milliseconds so they compare and sort in SQL.
/// </summary>
internal sealed class PolicyDbContext(DbContextOptions<PolicyDbContext> options) : DbContext(options)
{
    private static readonly ValueConverter<List<string>, string> ListAsJson = new(
        v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
        v => JsonSerializer.Deserialize<List<string>>(v, (JsonSerializerOptions?)null) ?? new List<string>());

    private static readonly ValueComparer<List<string>> ListComparer = new(
        (a, b) => a!.SequenceEqual(b!),
        v => v.Aggregate(0, (hash, item) => HashCode.Combine(hash, item.GetHashCode(StringComparison.Ordinal))),
        v => v.ToList());

    private static readonly ValueConverter<List<int>, string> NumbersAsJson = new(
        v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
        v => JsonSerializer.Deserialize<List<int>>(v, (JsonSerializerOptions?)null) ?? new List<int>());

    private static readonly ValueComparer<List<int>> NumbersComparer = new(
        (a, b) => a!.SequenceEqual(b!),
        v => v.Aggregate(0, HashCode.Combine),
        v => v.ToList());

    private static readonly ValueConverter<Dictionary<string, string>, string> MapAsJson = new(
        v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
        v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, (JsonSerializerOptions?)null) ?? new Dictionary<string, string>());

    private static readonly ValueComparer<Dictionary<string, string>> MapComparer = new(
        (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
        v => v.Count,
        v => new Dictionary<string, string>(v));

    public DbSet<Organization> Organizations => Set<Organization>();

    public DbSet<Team> Teams => Set<Team>();

    public DbSet<User> Users => Set<User>();

    public DbSet<TeamMembership> TeamMemberships => Set<TeamMembership>();

    public DbSet<ServiceAccount> ServiceAccounts => Set<ServiceAccount>();

    public DbSet<ModelAccessGroup> ModelAccessGroups => Set<ModelAccessGroup>();

    public DbSet<VirtualKey> VirtualKeys => Set<VirtualKey>();

    public DbSet<ProviderCredential> ProviderCredentials => Set<ProviderCredential>();

    public DbSet<EntityLimit> EntityLimits => Set<EntityLimit>();

    public DbSet<EntityBudget> EntityBudgets => Set<EntityBudget>();

    /// <summary>Append-only: added to, never updated or removed (the database's triggers refuse both).</summary>
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Organization>(e =>
        {
            e.ToTable("organizations").HasKey(o => o.Id);
            e.Property(o => o.Id).HasColumnName("id");
            e.Property(o => o.Name).HasColumnName("name");
            e.Property(o => o.CreatedAt).HasColumnName("created_at");
        });
        modelBuilder.Entity<Team>(e =>
        {
            e.ToTable("teams").HasKey(t => t.Id);
            e.Property(t => t.Id).HasColumnName("id");
            e.Property(t => t.OrganizationId).HasColumnName("organization_id");
            e.Property(t => t.Name).HasColumnName("name");
            e.Property(t => t.CreatedAt).HasColumnName("created_at");
            e.Property(t => t.LogBodies).HasColumnName("log_bodies");
            e.Property(t => t.Tags).HasColumnName("tags").HasConversion(MapAsJson, MapComparer);
            Json(e.Property(t => t.Regions).HasColumnName("regions"));
            e.HasOne<Organization>().WithMany().HasForeignKey(t => t.OrganizationId);
        });
        modelBuilder.Entity<User>(e =>
        {
            e.ToTable("users").HasKey(u => u.Id);
            e.Property(u => u.Id).HasColumnName("id");
            e.Property(u => u.OrganizationId).HasColumnName("organization_id");
            e.Property(u => u.Email).HasColumnName("email");
            e.Property(u => u.Role).HasColumnName("role");
            e.Property(u => u.CreatedAt).HasColumnName("created_at");
            e.HasOne<Organization>().WithMany().HasForeignKey(u => u.OrganizationId);
        });
        modelBuilder.Entity<TeamMembership>(e =>
        {
            e.ToTable("team_memberships").HasKey(m => new { m.UserId, m.TeamId });
            e.Property(m => m.UserId).HasColumnName("user_id");
            e.Property(m => m.TeamId).HasColumnName("team_id");
            e.HasOne<User>().WithMany().HasForeignKey(m => m.UserId);
            e.HasOne<Team>().WithMany().HasForeignKey(m => m.TeamId);
        });
        modelBuilder.Entity<ServiceAccount>(e =>
        {
            e.ToTable("service_accounts").HasKey(a => a.Id);
            e.Property(a => a.Id).HasColumnName("id");
            e.Property(a => a.TeamId).HasColumnName("team_id");
            e.Property(a => a.Name).HasColumnName("name");
            e.Property(a => a.CreatedAt).HasColumnName("created_at");
            e.HasOne<Team>().WithMany().HasForeignKey(a => a.TeamId);
        });
        modelBuilder.Entity<ModelAccessGroup>(e =>
        {
            e.ToTable("model_access_groups").HasKey(g => g.Id);
            e.Property(g => g.Id).HasColumnName("id");
            e.Property(g => g.OrganizationId).HasColumnName("organization_id");
            e.Property(g => g.Name).HasColumnName("name");
            Json(e.Property(g => g.Models).HasColumnName("models"));
            e.Property(g => g.UpdatedAt).HasColumnName("updated_at");
            e.HasOne<Organization>().WithMany().HasForeignKey(g => g.OrganizationId);
        });
        modelBuilder.Entity<VirtualKey>(e =>
        {
            e.ToTable("virtual_keys").HasKey(k => k.Id);
            e.Property(k => k.Id).HasColumnName("id");
            e.Property(k => k.KeyHash).HasColumnName("key_hash");
            e.Property(k => k.DisplayPrefix).HasColumnName("display_prefix");
            e.Property(k => k.OrganizationId).HasColumnName("organization_id");
            e.Property(k => k.OwnerUserId).HasColumnName("owner_user_id");
            e.Property(k => k.OwnerTeamId).HasColumnName("owner_team_id");
            e.Property(k => k.OwnerServiceAccountId).HasColumnName("owner_service_account_id");
            Json(e.Property(k => k.Models).HasColumnName("models"));
            Json(e.Property(k => k.AccessGroups).HasColumnName("access_groups"));
            Json(e.Property(k => k.IpAllowlist).HasColumnName("ip_allowlist"));
            e.Property(k => k.Tags).HasColumnName("tags").HasConversion(MapAsJson, MapComparer);
            e.Property(k => k.ExpiresAt).HasColumnName("expires_at");
            e.Property(k => k.Status).HasColumnName("status");
            e.Property(k => k.RevokedAt).HasColumnName("revoked_at");
            e.Property(k => k.CreatedAt).HasColumnName("created_at");
            e.Property(k => k.CreatedBy).HasColumnName("created_by");
            e.Property(k => k.UpdatedAt).HasColumnName("updated_at");
            e.Property(k => k.RotatedFrom).HasColumnName("rotated_from");
            e.Property(k => k.LogBodies).HasColumnName("log_bodies");
            Json(e.Property(k => k.Regions).HasColumnName("regions"));

            // The foreign keys, so EF orders the inserts of one save (an old key before the key rotated from it).
            e.HasOne<Organization>().WithMany().HasForeignKey(k => k.OrganizationId);
            e.HasOne<User>().WithMany().HasForeignKey(k => k.OwnerUserId);
            e.HasOne<Team>().WithMany().HasForeignKey(k => k.OwnerTeamId);
            e.HasOne<ServiceAccount>().WithMany().HasForeignKey(k => k.OwnerServiceAccountId);
            e.HasOne<VirtualKey>().WithMany().HasForeignKey(k => k.RotatedFrom);
        });
        MapAudit(modelBuilder);
        MapCredentials(modelBuilder);
        MapEntityLimits(modelBuilder);
    }

    private static void MapEntityLimits(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<EntityLimit>(e =>
        {
            e.ToTable("entity_limits").HasKey(l => new { l.SubjectType, l.SubjectId });
            e.Property(l => l.SubjectType).HasColumnName("subject_type");
            e.Property(l => l.SubjectId).HasColumnName("subject_id");
            e.Property(l => l.OrganizationId).HasColumnName("organization_id");
            e.Property(l => l.RequestsPerSecond).HasColumnName("requests_per_second");
            e.Property(l => l.RequestsPerMinute).HasColumnName("requests_per_minute");
            e.Property(l => l.TokensPerMinute).HasColumnName("tokens_per_minute");
            e.Property(l => l.Concurrent).HasColumnName("concurrent");
            e.Property(l => l.UpdatedAt).HasColumnName("updated_at");
            e.Property(l => l.UpdatedBy).HasColumnName("updated_by");
        });
        modelBuilder.Entity<EntityBudget>(e =>
        {
            e.ToTable("entity_budgets").HasKey(b => new { b.SubjectType, b.SubjectId, b.Period });
            e.Property(b => b.SubjectType).HasColumnName("subject_type");
            e.Property(b => b.SubjectId).HasColumnName("subject_id");
            e.Property(b => b.Period).HasColumnName("period");
            e.Property(b => b.OrganizationId).HasColumnName("organization_id");
            e.Property(b => b.AmountNanos).HasColumnName("amount_nanos");
            e.Property(b => b.SoftThresholds).HasColumnName("soft_thresholds").HasConversion(NumbersAsJson, NumbersComparer);
            e.Property(b => b.Hard).HasColumnName("hard");
            e.Property(b => b.UpdatedAt).HasColumnName("updated_at");
            e.Property(b => b.UpdatedBy).HasColumnName("updated_by");
        });
    }

    private static void MapCredentials(ModelBuilder modelBuilder) => modelBuilder.Entity<ProviderCredential>(e =>
    {
        e.ToTable("provider_credentials").HasKey(c => c.Id);
        e.Property(c => c.Id).HasColumnName("id");
        e.Property(c => c.Name).HasColumnName("name");
        e.Property(c => c.Provider).HasColumnName("provider");
        e.Property(c => c.KeyId).HasColumnName("key_id");
        e.Property(c => c.Ciphertext).HasColumnName("ciphertext");
        e.Property(c => c.Hint).HasColumnName("hint");
        e.Property(c => c.Version).HasColumnName("version");
        e.Property(c => c.CreatedAt).HasColumnName("created_at");
        e.Property(c => c.CreatedBy).HasColumnName("created_by");
        e.Property(c => c.UpdatedAt).HasColumnName("updated_at");
        e.Property(c => c.UpdatedBy).HasColumnName("updated_by");
    });

    private static void MapAudit(ModelBuilder modelBuilder) => modelBuilder.Entity<AuditEvent>(e =>
    {
        e.ToTable("audit_events").HasKey(a => a.Sequence);
        e.Property(a => a.Sequence).HasColumnName("sequence").ValueGeneratedNever();
        e.Property(a => a.OccurredAt).HasColumnName("occurred_at");
        e.Property(a => a.Actor).HasColumnName("actor");
        e.Property(a => a.OrganizationId).HasColumnName("organization_id");
        e.Property(a => a.Operation).HasColumnName("operation");
        e.Property(a => a.ObjectType).HasColumnName("object_type");
        e.Property(a => a.ObjectId).HasColumnName("object_id");
        e.Property(a => a.BeforeJson).HasColumnName("before_json");
        e.Property(a => a.AfterJson).HasColumnName("after_json");
        e.Property(a => a.ClientAddress).HasColumnName("client_address");
        e.Property(a => a.PreviousHash).HasColumnName("previous_hash");
        e.Property(a => a.Hash).HasColumnName("hash");
    });

    private static void Json(PropertyBuilder<List<string>> property) => property.HasConversion(ListAsJson, ListComparer);
}
