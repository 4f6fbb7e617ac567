using AiMesh.Hosting;
using AiMesh.Prompts.Chains;
using AiMesh.Prompts.Registry;
using AiMesh.Prompts.Rendering;
using AiMesh.Prompts.Store;
using AiMesh.Prompts.Templates;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AiMesh.Prompts;

/// <summary>
/// The prompts service as a module: hosted alone when distributed, beside the others when embedded.
/// RenderPrompt (queue aimesh-prompts) → PromptRendered or PromptRenderFailed, from this replica's catalog of the
/// stored registry (prompts, immutable versions, labels) or, for names the store does not have, from configured
/// templates. ListPrompts, GetPrompt, CreatePrompt, PublishPromptVersion, MovePromptLabel, DiffPromptVersions and
/// PreviewPrompt (queue aimesh-prompts-admin, asked by policy's admin API) → the store; SetPromptApi, GetPromptApi,
/// DeletePromptApi, ListPromptApiPage (policy's admin API) and ListPromptApis (the ingress) on the same queue → prompt_apis, with
/// PromptApisChanged published on every change. PromptChanged (published, one temporary queue per replica) → that prompt read again into the catalog.
/// SaveChain, GetChain, DeleteChain (same queue; GetChain also asked by the ingress before a chain run) → the chains table.
/// </summary>
public sealed class PromptsModule : IMeshModule
{
    private const string ChangesEndpointPrefix = "aimesh-prompts-changes-";

    // Every replica needs every change event, so each has a queue of its own bound to the event's exchange.
    // Temporary: it goes with the process; an event lost meanwhile is covered by the periodic reload.
    private readonly string changesEndpointName = ChangesEndpointPrefix + NewId.NextGuid().ToString("N");

    public string Name => "prompts";

    public void ConfigureServices(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<PromptsOptions>()
            .Bind(builder.Configuration.GetSection(PromptsOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PromptsOptions>, PromptsOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddDbContextPool<PromptsDbContext>((provider, db) =>
            PromptsDatabase.Configure(db, provider.GetRequiredService<IOptions<PromptsOptions>>().Value.Database));
        services.AddScoped<PromptStore>();
        services.AddScoped<PromptApiStore>();
        services.AddScoped<ChainStore>();
        services.AddSingleton<PromptCatalog>();

        // Registered before the bus, so on a healthy start the tables exist before the first message is consumed.
        services.AddSingleton<StoreState>();
        services.AddHostedService<SchemaInitializer>();
        services.AddSingleton<PromptCatalogRefresher>();
        services.AddHostedService(provider => provider.GetRequiredService<PromptCatalogRefresher>());
    }

    public void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<RenderPromptConsumer, RenderPromptConsumerDefinition>();
        bus.AddConsumer<PromptAdminConsumer, PromptAdminConsumerDefinition>();
        bus.AddConsumer<PromptApiConsumer, PromptApiConsumerDefinition>();
        bus.AddConsumer<ChainAdminConsumer, ChainAdminConsumerDefinition>();
        bus.AddConsumer<PromptChangedConsumer, PromptChangedConsumerDefinition>().Endpoint(e =>
        {
            e.Name = changesEndpointName;
            e.Temporary = true;
        });
    }

    public void MapEndpoints(WebApplication app)
    {
    }
}
