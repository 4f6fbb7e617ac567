using Microsoft.EntityFrameworkCore;

namespace AiMesh.Prompts.Store;

/// <summary>
/// The prompt registry: prompts, their immutable versions, the labels pointing at versions, every label move and the
/// experiments (splits) running on labels.
/// Saving a changed or deleted version is refused here, not just avoided by the store's code. The tables are made by
/// the schema steps (<see cref="Migrations.SchemaMigrations"/>), not from this model: a change here needs a new step
/// with the same columns on both providers.
/// </summary>
internal sealed class PromptsDbContext(DbContextOptions<PromptsDbContext> options) : DbContext(options)
{
    public const string PromptsTable = "prompts";

    public const string ApisTable = "prompt_apis";
    public const string ChainsTable = "prompt_chains";
    public const string SplitsTable = "prompt_splits";

    public DbSet<PromptRecord> Prompts => Set<PromptRecord>();

    public DbSet<PromptVersionRecord> Versions => Set<PromptVersionRecord>();

    public DbSet<PromptLabelRecord> Labels => Set<PromptLabelRecord>();

    public DbSet<LabelMoveRecord> LabelMoves => Set<LabelMoveRecord>();

    public DbSet<PromptApiRecord> Apis => Set<PromptApiRecord>();
    public DbSet<PromptSplitRecord> Splits => Set<PromptSplitRecord>();
    public DbSet<ChainRecord> Chains => Set<ChainRecord>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseVersionRewrites();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseVersionRewrites();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PromptRecord>(e =>
        {
            e.ToTable(PromptsTable);
            e.HasKey(p => p.Id);
            e.Property(p => p.Id).HasColumnName("id");
            e.Property(p => p.Name).HasColumnName("name").HasMaxLength(200).IsRequired();
            e.Property(p => p.OrganizationId).HasColumnName("organization_id").HasMaxLength(200);
            e.Property(p => p.Created).HasColumnName("created");
            e.HasIndex(p => p.Name).IsUnique().HasDatabaseName("ux_prompts_name");
        });

        modelBuilder.Entity<PromptVersionRecord>(e =>
        {
            e.ToTable("prompt_versions");
            e.HasKey(v => new { v.PromptId, v.Number });
            e.Property(v => v.PromptId).HasColumnName("prompt_id");
            e.Property(v => v.Number).HasColumnName("number");
            e.Property(v => v.Messages).HasColumnName("messages").IsRequired();
            e.Property(v => v.Variables).HasColumnName("variables").IsRequired();
            e.Property(v => v.VariablesSchema).HasColumnName("variables_schema");
            e.Property(v => v.Model).HasColumnName("model").HasMaxLength(200);
            e.Property(v => v.Parameters).HasColumnName("parameters");
            e.Property(v => v.Author).HasColumnName("author").HasMaxLength(200).IsRequired();
            e.Property(v => v.Message).HasColumnName("message").IsRequired();
            e.Property(v => v.Created).HasColumnName("created");
            e.HasOne<PromptRecord>().WithMany().HasForeignKey(v => v.PromptId);
        });

        modelBuilder.Entity<PromptLabelRecord>(e =>
        {
            e.ToTable("prompt_labels");
            e.HasKey(l => new { l.PromptId, l.Name });
            e.Property(l => l.PromptId).HasColumnName("prompt_id");
            e.Property(l => l.Name).HasColumnName("name").HasMaxLength(100);
            e.Property(l => l.Version).HasColumnName("version");
            e.Property(l => l.MovedAt).HasColumnName("moved_at");
            e.Property(l => l.MovedBy).HasColumnName("moved_by").HasMaxLength(200).IsRequired();
            e.HasOne<PromptRecord>().WithMany().HasForeignKey(l => l.PromptId);
            e.HasOne<PromptVersionRecord>().WithMany().HasForeignKey(l => new { l.PromptId, l.Version });
        });

        modelBuilder.Entity<LabelMoveRecord>(e =>
        {
            e.ToTable("prompt_label_moves");
            e.HasKey(m => m.Id);
            e.Property(m => m.Id).HasColumnName("id").ValueGeneratedOnAdd();
            e.Property(m => m.PromptId).HasColumnName("prompt_id");
            e.Property(m => m.Label).HasColumnName("label").HasMaxLength(100).IsRequired();
            e.Property(m => m.FromVersion).HasColumnName("from_version");
            e.Property(m => m.ToVersion).HasColumnName("to_version");
            e.Property(m => m.Rollback).HasColumnName("rollback");
            e.Property(m => m.MovedAt).HasColumnName("moved_at");
            e.Property(m => m.MovedBy).HasColumnName("moved_by").HasMaxLength(200).IsRequired();
            e.HasIndex(m => new { m.PromptId, m.Label }).HasDatabaseName("ix_prompt_label_moves_label");
            e.HasOne<PromptRecord>().WithMany().HasForeignKey(m => m.PromptId);
        });

        modelBuilder.Entity<PromptApiRecord>(e =>
        {
            e.ToTable(ApisTable);
            e.HasKey(a => a.PromptId);
            e.Property(a => a.PromptId).HasColumnName("prompt_id");
            e.Property(a => a.Path).HasColumnName("path").HasMaxLength(200);
            e.Property(a => a.Label).HasColumnName("label").HasMaxLength(100);
            e.Property(a => a.Version).HasColumnName("version");
            e.Property(a => a.Model).HasColumnName("model").HasMaxLength(200);
            e.Property(a => a.Output).HasColumnName("output").HasMaxLength(10).IsRequired();
            e.Property(a => a.OutputSchema).HasColumnName("output_schema");
            e.Property(a => a.RequestsPerMinute).HasColumnName("requests_per_minute");
            e.Property(a => a.Enabled).HasColumnName("enabled");
            e.Property(a => a.Updated).HasColumnName("updated");
            e.Property(a => a.UpdatedBy).HasColumnName("updated_by").HasMaxLength(200).IsRequired();
            e.HasIndex(a => a.Path).IsUnique().HasDatabaseName("ux_prompt_apis_path");
            e.HasOne<PromptRecord>().WithMany().HasForeignKey(a => a.PromptId);
        });

        modelBuilder.Entity<PromptSplitRecord>(e =>
        {
            e.ToTable(SplitsTable);
            e.HasKey(s => new { s.PromptId, s.Label });
            e.Property(s => s.PromptId).HasColumnName("prompt_id");
            e.Property(s => s.Label).HasColumnName("label").HasMaxLength(100);
            e.Property(s => s.Versions).HasColumnName("versions").IsRequired();
            e.Property(s => s.ChangedAt).HasColumnName("changed_at");
            e.Property(s => s.ChangedBy).HasColumnName("changed_by").HasMaxLength(200).IsRequired();
            e.HasOne<PromptRecord>().WithMany().HasForeignKey(s => s.PromptId);
        });

        // No foreign keys to prompts: a chain names its prompts, checked when it is saved; a prompt is never deleted.
        modelBuilder.Entity<ChainRecord>(e =>
        {
            e.ToTable(ChainsTable);
            e.HasKey(c => c.Name);
            e.Property(c => c.Name).HasColumnName("name").HasMaxLength(200);
            e.Property(c => c.OrganizationId).HasColumnName("organization_id").HasMaxLength(200);
            e.Property(c => c.Model).HasColumnName("model").HasMaxLength(200);
            e.Property(c => c.Steps).HasColumnName("steps").IsRequired();
            e.Property(c => c.Updated).HasColumnName("updated");
            e.Property(c => c.UpdatedBy).HasColumnName("updated_by").HasMaxLength(200).IsRequired();
        });
    }

    private void RefuseVersionRewrites()
    {
        if (ChangeTracker.Entries<PromptVersionRecord>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("prompt_versions is immutable: a published version is never updated nor deleted.");
        }
    }
}
