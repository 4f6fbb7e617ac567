using System.Net;
using AiMesh.Hosting;
using AiMesh.Hosting.Secrets;
using AiMesh.Hosting.Streams;
using AiMesh.Router.Configuration;
using AiMesh.Router.Counting;
using AiMesh.Router.Deployments;
using AiMesh.Router.Pricing;
using AiMesh.Router.Providers;
using AiMesh.Router.Providers.Anthropic;
using AiMesh.Router.Providers.Azure;
using AiMesh.Router.Providers.Bedrock;
using AiMesh.Router.Providers.Cohere;
using AiMesh.Router.Providers.Gemini;
using AiMesh.Router.Providers.Mistral;
using AiMesh.Router.Providers.OpenAi;
using AiMesh.Router.Reporting;
using AiMesh.Router.Routing;
using AiMesh.Router.Secrets;
using AiMesh.Router.Telemetry;
using AiMesh.Router.Transport;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AiMesh.Router;

/// <summary>The router service as a module: hosted alone when distributed, beside the others when embedded.</summary>
public sealed class RouterModule : IMeshModule
{
    /// <summary>Prefix of the per-replica queue that receives <see cref="AiMesh.Contracts.Routing.CompletionAbandoned"/>.</summary>
    public const string AbandonedEndpointPrefix = "aimesh-router-abandoned-";

    // Each router replica (each module instance) needs its own queue for abandonment events: the event must reach
    // every replica, because only the one running the call can cancel it. Temporary: it goes with the process.
    private readonly string abandonedEndpointName = AbandonedEndpointPrefix + NewId.NextGuid().ToString("N");

    /// <summary>Prefix of the per-replica queue that receives <see cref="AiMesh.Contracts.Secrets.ProviderCredentialChanged"/>.</summary>
    public const string CredentialsEndpointPrefix = "aimesh-router-credentials-";

    // Every replica holds the credentials its deployments name, so every replica needs every change: a queue each.
    private readonly string credentialsEndpointName = CredentialsEndpointPrefix + NewId.NextGuid().ToString("N");

    /// <summary>Prefix of the per-replica queue that receives the other replicas' <see cref="Health.DeploymentHealthReport"/>s.</summary>
    public const string HealthEndpointPrefix = "aimesh-router-health-";

    // Every replica weighs what every other sees of the deployments: a queue each.
    private readonly string healthEndpointName = HealthEndpointPrefix + NewId.NextGuid().ToString("N");

    public string Name => "router";

    public void ConfigureServices(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<RouterOptions>()
            .Bind(builder.Configuration.GetSection(RouterOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RouterOptions>, RouterOptionsValidator>();
        services.AddSingleton<PriceTableSource>();
        services.AddSingleton<IValidateOptions<RouterOptions>, PricingValidator>();
        services.AddSingleton<DeploymentPrices>();
        services.AddMetrics();
        services.AddSingleton<UnpricedModels>();
        services.AddSingleton<CallCost>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<IProviderAdapter, OpenAiAdapter>();
        services.AddSingleton<IProviderAdapter, AzureAdapter>();
        services.AddAccessTokenCache();
        services.AddSingleton<IValidateOptions<RouterOptions>, AzureOptionsValidator>();
        services.AddSingleton<IProviderAdapter, MistralAdapter>();
        services.AddSingleton<IProviderAdapter, AnthropicAdapter>();
        services.AddSingleton<IProviderAdapter, BedrockAdapter>();
        services.AddSingleton<IProviderAdapter, CohereAdapter>();
        services.AddSingleton<IPostConfigureOptions<RouterOptions>, BedrockDeploymentDefaults>();
        services.AddSingleton<IValidateOptions<RouterOptions>, BedrockOptionsValidator>();
        services.AddGeminiProviders();
        services.AddSingleton<ProviderAdapters>();
        services.AddSingleton<DeploymentCatalog>();
        services.AddMasterKeyRing(builder.Configuration, RouterSecrets.Section);
        services.AddSingleton<ProviderCredentialStore>();
        services.AddHostedService<ProviderCredentialRefresher>();
        services.AddSingleton<Health.PeerHealth>();
        services.AddSingleton<DeploymentStats>();
        services.AddSingleton<CircuitBreakers>();
        services.AddSingleton<Health.ActiveHealthChecks>();
        services.AddHostedService(provider => provider.GetRequiredService<Health.ActiveHealthChecks>());
        services.AddSingleton<IDeploymentSelector, ModelGroupSelector>();
        services.AddSingleton<InFlightCalls>();
        services.AddSingleton<RouteRules>();
        services.AddSingleton<TrafficSplits>();
        services.AddSingleton<ConditionalRouting>();
        services.AddTransient<CompletionRouter>();
        services.AddSingleton<DeploymentLimitStores>();
        services.AddSingleton<DeploymentLimiter>();
        services.AddSingleton<Resilience.RetryBudget>();
        services.AddSingleton<Resilience.RetryPipeline>();
        services.AddSingleton<FallbackChain>();
        services.AddSingleton<Admission.AdmissionQueues>();
        services.AddSingleton<Admission.AdmissionMetrics>();
        services.AddSingleton<Admission.AdmissionGate>();
        services.AddHostedService<DeploymentLimitWarmup>();
        services.AddSingleton<RouterMetrics>();
        services.TryAddSingleton<StreamChannelKey>();
        services.AddSingleton<ChunkSinks>();

        // Connections to ingress instances' stream channels: pooled, never through a proxy, never redirected.
        services.AddHttpClient(ChunkSinks.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(2),
                Expect100ContinueTimeout = TimeSpan.FromSeconds(2),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
                MaxConnectionsPerServer = int.MaxValue,
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
        services.AddSingleton<ProviderTokenCounter>();

        services.AddHttpClient<ProviderTransport>(ProviderTransport.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan) // the call's own clocks decide
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                ConnectTimeout = provider.GetRequiredService<IOptions<RouterOptions>>().Value.Timeouts.Connect,

                // Pooled connections are recycled so DNS changes of a provider are seen within minutes.
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),

                // Every streamed call holds a connection for its whole answer; concurrency is bounded by the
                // router endpoint (MaxConcurrentCalls), not here.
                MaxConnectionsPerServer = int.MaxValue,

                // A redirect would carry the deployment's key to another URL: it is a provider error, never followed.
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,

                // Cookies set by a provider for one client's call must not ride along on another's.
                UseCookies = false,
            })
            // The handler recycles its own connections; the factory must not rotate (and drop) it underneath.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // The router logs its calls itself, without URLs or headers.
            .RemoveAllLoggers();
    }

    public void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<RouteCompletionConsumer, RouteCompletionConsumerDefinition>();

        // Registered with the bus, after MassTransit's own hosted service: stopped before the bus, it drains its reports.
        bus.AddSingleton<RouteReports>();
        bus.AddHostedService(services => services.GetRequiredService<RouteReports>());

        // Shadow traffic, after the bus too; the results' sender before the calls, so at stop the calls are cancelled
        // first and the sender drains what they recorded.
        bus.AddSingleton<Shadowing.ShadowResults>();
        bus.AddHostedService(services => services.GetRequiredService<Shadowing.ShadowResults>());
        bus.AddSingleton<Shadowing.ShadowTraffic>();
        bus.AddHostedService(services => services.GetRequiredService<Shadowing.ShadowTraffic>());
        bus.AddConsumer<ListModelsConsumer, ListModelsConsumerDefinition>();
        bus.AddConsumer<Health.ListDeploymentHealthConsumer, Health.ListDeploymentHealthConsumerDefinition>();

        // After MassTransit's hosted service too: it publishes on the bus.
        bus.AddSingleton<Health.HealthReporter>();
        bus.AddHostedService(services => services.GetRequiredService<Health.HealthReporter>());
        bus.AddConsumer<Health.DeploymentHealthReportConsumer>().Endpoint(e =>
        {
            e.Name = healthEndpointName;
            e.Temporary = true;
        });
        bus.AddConsumer<CountTokensConsumer, CountTokensConsumerDefinition>();
        bus.AddConsumer<CompletionAbandonedConsumer>().Endpoint(e =>
        {
            e.Name = abandonedEndpointName;
            e.Temporary = true;
        });
        bus.AddConsumer<ProviderCredentialChangedConsumer>().Endpoint(e =>
        {
            e.Name = credentialsEndpointName;
            e.Temporary = true;
        });
    }

    public void MapEndpoints(WebApplication app)
    {
    }
}
