using AiMesh.Hosting;
using AiMesh.Metering.Configuration;
using AiMesh.Metering.Feedback;
using AiMesh.Metering.Projections;
using AiMesh.Metering.Recording;
using AiMesh.Metering.Reporting;
using AiMesh.Metering.Storage;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AiMesh.Metering;

/// <summary>
/// The metering service as a module: hosted alone when distributed, beside the others when embedded.
/// RecordUsage (queue aimesh-metering) → one row in usage_events and its hourly rollups → UsageMetered published;
/// RecordRouterReports (queue aimesh-metering-reports) → router_reports, reconciled with the events (UsageReconciler);
/// QueryUsage and ExportUsage (queue aimesh-metering-queries) → UsageReport and UsageExport; FindUsageRecord → one
/// request's event and its logged bodies (usage_bodies, swept after Metering:Bodies:Retention);
/// RecordShadowResults (queue aimesh-metering-reports) → shadow_results, apart from usage (swept after
/// Metering:Shadow:Retention), compared by QueryShadowComparison and listed by QueryShadowResults.
/// </summary>
public sealed class MeteringModule : IMeshModule
{
    public string Name => "metering";

    public void ConfigureServices(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MeteringOptions>()
            .Bind(builder.Configuration.GetSection(MeteringOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<MeteringOptions>, MeteringOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddDbContextPool<MeteringDbContext>((provider, db) =>
            MeteringDatabase.Configure(db, provider.GetRequiredService<IOptions<MeteringOptions>>().Value.Database));
        services.AddSingleton<MeteringMetrics>();
        services.AddSingleton<UsageBatchWriter>();
        services.AddScoped<UsageQueries>();
        services.AddScoped<UsageRollupReader>();
        services.AddScoped<UsageReports>();
        services.AddScoped<ShadowReports>();
        services.AddScoped<PromptStats>();
        services.AddScoped<FeedbackRecorder>();
        services.AddSingleton<FeedbackWaits>();
        services.AddSingleton<IUsageLog, UsageLog>();

        // Registered here, before the host adds the bus, so it starts (and on a healthy start, finishes) first.
        services.AddSingleton<SchemaState>();
        services.AddHostedService<SchemaInitializer>();
        services.AddSingleton<BodyRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<BodyRetention>());
        services.AddSingleton<ShadowResultRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<ShadowResultRetention>());

        // The routers' reports against the usage events: recovers the usage of requests whose ingress died.
        services.AddSingleton<UsageReconciler>();
        services.AddHostedService(provider => provider.GetRequiredService<UsageReconciler>());

        services.AddHealthChecks().AddCheck<MeteringDatabaseHealthCheck>(
            MeteringDatabaseHealthCheck.Name,
            tags: ["ready"],
            timeout: MeteringDatabaseHealthCheck.Timeout + TimeSpan.FromSeconds(1));
    }

    public void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RecordUsageConsumer, RecordUsageConsumerDefinition>();
        bus.AddConsumer<RecordRouterReportsConsumer, RecordRouterReportsConsumerDefinition>();
        bus.AddConsumer<RecordShadowResultsConsumer, RecordShadowResultsConsumerDefinition>();
        bus.AddConsumer<UsageFaultConsumer, UsageFaultConsumerDefinition>();
        bus.AddConsumer<UsageQueriesConsumer, UsageQueriesConsumerDefinition>();
    }

    public void MapEndpoints(WebApplication app)
    {
    }
}
