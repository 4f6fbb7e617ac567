using AiMesh.Contracts;
using AiMesh.Contracts.Metering;
using AiMesh.Contracts.Policy;
using AiMesh.Contracts.Prompts;
using AiMesh.Contracts.Routing;
using AiMesh.Hosting;
using AiMesh.Hosting.Jwt;
using AiMesh.Hosting.Streams;
using AiMesh.Ingress.Admin;
using AiMesh.Ingress.Anthropic;
using AiMesh.Ingress.Authentication;
using AiMesh.Ingress.Chains;
using AiMesh.Ingress.Feedback;
using AiMesh.Ingress.Instance;
using AiMesh.Ingress.OpenAi;
using AiMesh.Ingress.PromptApis;
using AiMesh.Ingress.Relay;
using AiMesh.Ingress.Saga;
using AiMesh.Ingress.Scheduling;
using AiMesh.Ingress.Usage;
using MassTransit;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress;

/// <summary>The ingress as a module: the OpenAI and Anthropic surfaces, the request saga and the relay of answers.</summary>
public sealed class IngressModule : IMeshModule
{
    public string Name => "ingress";

    public void ConfigureServices(IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngressOptions>()
            .Bind(builder.Configuration.GetSection(IngressOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddMetrics();
        AddAuthentication(builder);
        builder.Services.AddSingleton<IngressInstance>();
        builder.Services.AddSingleton<BusHealth>();
        builder.Services.AddSingleton<InProcessScheduleMessageProvider>();
        builder.Services.AddSingleton<ResponseRelays>();
        builder.Services.AddSingleton<SagaInbox>();
        builder.Services.AddSingleton<CompletionExchange>();
        builder.Services.AddSingleton<ChainExchange>();
        builder.Services.AddSingleton<ChainRuns>();
        builder.Services.AddSingleton<ChainSteps>();
        builder.Services.AddSingleton<ModelLabels>();
        builder.Services.AddSingleton<IngressMetrics>();
        builder.Services.AddHostedService<ModelCatalogRefresher>();
        builder.Services.TryAddSingleton<StreamChannelKey>();
        builder.Services.AddSingleton<StreamChannelAddress>();
        builder.Services.AddSingleton<StreamChannelEndpoint>();
        builder.Services.AddSingleton<ILocalChunkInbox, LocalChunkInbox>();
        builder.Services.AddScoped<ModelsEndpoint>();
        builder.Services.AddSingleton<MessagesEndpoint>();
        builder.Services.AddScoped<CountTokensEndpoint>();
        builder.Services.AddSingleton<PromptApiCatalog>();
        builder.Services.AddSingleton<PromptApiEndpoint>();
        builder.Services.AddSingleton<PromptApiOpenApi>();
        builder.Services.AddSingleton<PromptApiCatalogRefresher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PromptApiCatalogRefresher>());
        builder.Services.AddScoped<FeedbackEndpoint>();
        builder.Services.AddHealthChecks().AddCheck<InstanceReadyCheck>("ingress-instance", tags: ["ready"]);
        AddAdminForwarding(builder);

        // Limits that protect everyone else from one bad client: Kestrel answers 431 for oversized headers and
        // 408 for bodies that trickle in; the body size is enforced per request in RequestBody.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<IngressOptions>>((kestrel, ingress) =>
        {
            var limits = ingress.Value;
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = limits.MaxBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxHeaderBytes;
            kestrel.Limits.MaxRequestHeaderCount = limits.MaxHeaderCount;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(limits.MinRequestBodyBytesPerSecond, TimeSpan.FromSeconds(5));
        });
    }

    /// <summary>The ingress's own credential checks: JWTs (Ingress:Jwt), client certificates and HTTPS (Ingress:ClientCertificates, Ingress:Https).</summary>
    private static void AddAuthentication(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ClientCertificateOptions>().Bind(builder.Configuration.GetSection(ClientCertificateOptions.Section)).ValidateOnStart();
        services.AddOptions<IngressHttpsOptions>().Bind(builder.Configuration.GetSection(IngressHttpsOptions.Section));
        services.AddSingleton<IValidateOptions<ClientCertificateOptions>, AuthenticationOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddJwtVerifier(builder.Configuration, CallerAuthentication.JwtSection);
        services.AddSingleton<ClientCertificateVerifier>();
        services.AddSingleton<CallerAuthentication>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<IngressHttpsOptions>, IOptions<ClientCertificateOptions>>(
            (kestrel, https, certificates) => IngressTls.Configure(kestrel, https.Value, certificates.Value));
    }

    public void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        bus.AddRequestSaga();
        bus.AddChainSaga();
        bus.AddConsumer<CompletionChunkConsumer, InstanceConsumerDefinition<CompletionChunkConsumer>>();
        bus.AddRequestClient<AuthorizeRequest>(Endpoints.PolicyAddress, RequestTimeout.After(s: 3));
        bus.AddRequestClient<ListModels>(Endpoints.RouterAddress, RequestTimeout.After(s: 3));
        bus.AddRequestClient<ListPromptApis>(Endpoints.PromptsAdminAddress, RequestTimeout.After(s: 10));

        // Every replica hears every change of the published prompt APIs, on a temporary queue of its own; an event
        // lost meanwhile is covered by the periodic reload (Ingress:PromptApiReloadInterval).
        bus.AddConsumer<PromptApisChangedConsumer>().Endpoint(e =>
        {
            e.Name = "aimesh-ingress-prompt-apis-" + NewId.NextGuid().ToString("N");
            e.Temporary = true;
        });
        bus.AddRequestClient<RecordFeedback>(Endpoints.MeteringQueriesAddress, RequestTimeout.After(s: 5));

        // A chain's definition, read once per run from the registry's admin side (prompts reads it from its database).
        bus.AddRequestClient<GetChain>(Endpoints.PromptsAdminAddress, RequestTimeout.After(s: 5));

        // A count may ask the provider (at most 10 s, then the router estimates): the wait covers that.
        bus.AddRequestClient<CountTokens>(Endpoints.RouterAddress, RequestTimeout.After(s: 15));
        bus.AddReceiveEndpointObserver<InstanceEndpointObserver>();

        // Registered here, after AddMassTransit registered the bus's hosted service, so at stop it sends its last
        // records before the bus stops (hosted services stop in reverse order).
        bus.AddSingleton<IUsageTransport, BusUsageTransport>();
        bus.AddSingleton<UsageSender>();
        bus.AddHostedService(services => services.GetRequiredService<UsageSender>());
    }

    public void MapEndpoints(WebApplication app)
    {
        // Built now, not at the first request: a CA bundle or key that cannot be read fails the start, not a client;
        // and the JWKS fetches begin, so the first token need not wait for its keys.
        app.Services.GetRequiredService<CallerAuthentication>();
        app.Services.GetRequiredKeyedService<JwtVerifier>(CallerAuthentication.JwtSection).Prefetch();
        var exchange = app.Services.GetRequiredService<CompletionExchange>();
        app.MapPost("/v1/chat/completions", exchange.ChatAsync);
        app.MapPost("/v1/embeddings", exchange.EmbeddingsAsync);
        var chains = app.Services.GetRequiredService<ChainExchange>();
        app.MapPost("/v1/chains/{name}/run", (HttpContext http, string name) => chains.RunAsync(http, name));
        app.MapPost(StreamChannel.PathPrefix + "{requestId}", app.Services.GetRequiredService<StreamChannelEndpoint>().HandleAsync);
        app.MapPost("/v1/messages", app.Services.GetRequiredService<MessagesEndpoint>().CreateAsync);
        app.MapPost("/v1/messages/count_tokens", (HttpContext http, CountTokensEndpoint counter) => counter.CountAsync(http));
        app.MapGet("/v1/models", (HttpContext http, ModelsEndpoint models) => models.ListAsync(http));
        app.MapPost("/v1/feedback", (HttpContext http, FeedbackEndpoint feedback) => feedback.PostAsync(http));
        app.MapGet("/v1/models/{id}", (HttpContext http, string id, ModelsEndpoint models) => models.GetAsync(http, id));
        var promptApis = app.Services.GetRequiredService<PromptApiEndpoint>();
        var openApi = app.Services.GetRequiredService<PromptApiOpenApi>();
        app.MapPost("/v1/prompts/{name}/run", promptApis.RunByNameAsync);
        app.MapPost("/apis/{**path}", promptApis.RunByPathAsync);
        app.MapGet("/v1/prompts/openapi.json", openApi.AllAsync);
        app.MapGet("/v1/prompts/{name}/openapi.json", openApi.OneAsync);

        // Embedded, the modules in this process serve /admin themselves; apart, the ingress forwards it.
        if (!app.Configuration.GetValue("Mesh:Embedded", true))
        {
            var forwarder = app.Services.GetRequiredService<AdminForwarder>();
            app.Map("/admin", forwarder.ForwardAsync);
            app.Map("/admin/{**path}", forwarder.ForwardAsync);
        }
    }

    private static void AddAdminForwarding(IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AdminForwardingOptions>().Bind(builder.Configuration.GetSection(IngressOptions.Section));
        builder.Services.AddSingleton<AdminForwarder>();

        // No redirects (an upstream's redirect goes back to the client as it is), no cookies, no system proxy; the
        // deadline is the forwarder's, per call.
        builder.Services.AddHttpClient(AdminForwarder.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
    }
}
