using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AiMesh.Metering.Storage;

/// <summary>The <c>usage_events</c> table: snake_case columns so SQL written by hand (finance, replay) reads naturally.</summary>
internal sealed class UsageEventMap : IEntityTypeConfiguration<UsageEvent>
{
    public const string Table = "usage_events";

    public void Configure(EntityTypeBuilder<UsageEvent> e)
    {
        e.ToTable(Table);

        // SQLite: INTEGER PRIMARY KEY AUTOINCREMENT (never reuses a value); PostgreSQL: bigint identity.
        e.HasKey(x => x.Sequence);
        e.Property(x => x.Sequence).HasColumnName("sequence").ValueGeneratedOnAdd();

        // The unique request id is what makes a redelivered RecordUsage a no-op; the event id follows from it.
        e.Property(x => x.EventId).HasColumnName("event_id");
        e.HasIndex(x => x.EventId).IsUnique().HasDatabaseName("ux_usage_events_event_id");
        e.Property(x => x.RequestId).HasColumnName("request_id");
        e.HasIndex(x => x.RequestId).IsUnique().HasDatabaseName("ux_usage_events_request_id");

        e.Property(x => x.StartedAt).HasColumnName("started_at");
        e.Property(x => x.FinishedAt).HasColumnName("finished_at");
        e.Property(x => x.PrincipalId).HasColumnName("principal_id");
        e.Property(x => x.KeyId).HasColumnName("key_id");
        e.Property(x => x.Api).HasColumnName("api");
        e.Property(x => x.ModelRequested).HasColumnName("model_requested");
        e.Property(x => x.Deployment).HasColumnName("deployment");
        e.Property(x => x.Provider).HasColumnName("provider");
        e.Property(x => x.Attempts).HasColumnName("attempts");
        e.Property(x => x.Outcome).HasColumnName("outcome");
        e.Property(x => x.Status).HasColumnName("status");
        e.Property(x => x.ErrorCode).HasColumnName("error_code");
        e.Property(x => x.InputTokens).HasColumnName("input_tokens");
        e.Property(x => x.OutputTokens).HasColumnName("output_tokens");
        e.Property(x => x.CachedTokens).HasColumnName("cached_tokens");
        e.Property(x => x.ReasoningTokens).HasColumnName("reasoning_tokens");
        e.Property(x => x.TokensEstimated).HasColumnName("tokens_estimated");

        // Added by schema step 2 (SchemaInitializer): nullable, so rows written before it stay valid.
        e.Property(x => x.CacheWriteTokens).HasColumnName("cache_write_tokens");
        e.Property(x => x.Cost).HasColumnName("cost");
        e.Property(x => x.CostCurrency).HasColumnName("cost_currency");
        e.Property(x => x.PriceTableVersion).HasColumnName("price_table_version");
        e.Property(x => x.CostEstimated).HasColumnName("cost_estimated");
        e.Property(x => x.TeamId).HasColumnName("team_id");

        // Added by schema step 3 (SchemaInitializer), the same way: nullable.
        e.Property(x => x.OrganizationId).HasColumnName("organization_id");
        e.Property(x => x.LatencyMs).HasColumnName("latency_ms");
        e.Property(x => x.FirstTokenMs).HasColumnName("first_token_ms");
        e.Property(x => x.Stream).HasColumnName("stream");
        e.Property(x => x.ClientAddress).HasColumnName("client_address");
        e.Property(x => x.EndUser).HasColumnName("end_user");
        e.Property(x => x.Tags).HasColumnName("tags");
        e.Property(x => x.PromptId).HasColumnName("prompt_id");
        e.Property(x => x.PromptVersion).HasColumnName("prompt_version");
        e.Property(x => x.RecordedAt).HasColumnName("recorded_at");

        // Added by schema step 4 (SchemaColumns), nullable: null is the ingress's record.
        e.Property(x => x.Source).HasColumnName("source");
    }
}
