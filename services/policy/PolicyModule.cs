using AiMesh.Contracts;
using AiMesh.Contracts.Routing;
using AiMesh.Hosting;
using AiMesh.Hosting.Jwt;
using AiMesh.Hosting.Limits;
using AiMesh.Hosting.Secrets;
using AiMesh.Hosting.Security;
using AiMesh.Policy.Admin;
using AiMesh.Policy.Audit;
using AiMesh.Policy.Authorization;
using AiMesh.Policy.Budgets;
using AiMesh.Policy.Keys;
using AiMesh.Policy.Keys.Administration;
using AiMesh.Policy.Limits;
using AiMesh.Policy.Principals;
using AiMesh.Policy.Secrets;
using AiMesh.Policy.Store;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy;

/// <summary>The policy service as a module: hosted alone when distributed, beside the others when embedded.</summary>
public sealed class PolicyModule : IMeshModule
{
    /// <summary>Prefix of the per-replica queue that receives <see cref="KeyChanged"/> and <see cref="AccessGroupChanged"/>.</summary>
    public const string ChangesEndpointPrefix = "aimesh-policy-changes-";

    // Every replica needs every change event, so each has a queue of its own bound to the events' exchanges.
    // Temporary: it goes with the process; an event lost meanwhile is covered by the periodic reload.
    private readonly string changesEndpointName = ChangesEndpointPrefix + NewId.NextGuid().ToString("N");

    public string Name => "policy";

    public void ConfigureServices(IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<PolicyOptions>()
            .Bind(builder.Configuration.GetSection(PolicyOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<KeyRing>();
        services.AddSingleton<Authorization.PolicyMetrics>();
        services.AddOptions<JwtPolicyOptions>().Bind(builder.Configuration.GetSection(JwtPolicyOptions.Section));
        services.AddSingleton<PrincipalGrants>();
        services.AddSingleton(provider => new FailedAttempts(
            provider.GetRequiredService<IOptions<PolicyOptions>>().Value.FailedAttempts, provider.GetRequiredService<TimeProvider>()));

        AddLimits(builder);
        AddBudgets(builder);

        services.AddSingleton<AuditAnchor>();
        services.AddPooledDbContextFactory<PolicyDbContext>((provider, db) =>
        {
            PolicyDatabase.Configure(db, provider.GetRequiredService<IOptions<PolicyOptions>>().Value.Database);
            db.AddInterceptors(provider.GetRequiredService<AuditAnchor>());
        });
        services.AddSingleton<StoredKeys>();
        services.AddScoped<KeyAdministration>();
        services.AddMasterKeyRing(builder.Configuration, CredentialSealing.Section);
        services.AddScoped<CredentialAdministration>();

        services.AddOptions<AdminOptions>()
            .Bind(builder.Configuration.GetSection(AdminOptions.Section))
            .PostConfigure(o => o.BootstrapKey = o.BootstrapKey is { Length: > 0 } ? o.BootstrapKey : builder.Configuration[AdminOptions.BootstrapKeyVariable])
            .Validate(
                o => o.BootstrapKey is not { Length: > 0 } key || key.Length >= AdminOptions.MinBootstrapKeyLength,
                $"{AdminOptions.BootstrapKeyVariable} (Policy:Admin:BootstrapKey) must be at least {AdminOptions.MinBootstrapKeyLength} characters.")
            .Validate(o => o.TrustedProxies.TrueForAll(p => KeyNetworks.TryParse(p, out _)), "Policy:Admin:TrustedProxies must be IP addresses or CIDR blocks.")
            .Validate(o => o.MaxBodyBytes is >= 1024 and <= 16 * 1024 * 1024, "Policy:Admin:MaxBodyBytes must be from 1 KiB to 16 MiB.")
            .ValidateOnStart();
        services.AddSingleton<AdminClientAddress>();
        services.AddJwtVerifier(builder.Configuration, AdminJwtOptions.Section, AdminJwtOptions.DefaultUserClaim);
        services.AddOptions<AdminJwtOptions>().Bind(builder.Configuration.GetSection(AdminJwtOptions.Section));
        services.AddSingleton<AdminTokenAuthentication>();
        services.AddSingleton<AdminAuthentication>();
        services.AddSingleton<AdminBody>();
        services.AddScoped<LimitChanges>();
        AdminEndpoints.AddDocument(services);

        // Registered here, before the host adds the bus: the schema is migrated and the keys loaded (on a healthy
        // start) before the first request is consumed.
        services.AddSingleton<SchemaState>();
        services.AddHostedService<SchemaInitializer>();
        services.AddHostedService<BootstrapAdmin>();
        services.AddHostedService<KeyCacheRefresher>();
        services.AddHealthChecks().AddCheck<PolicyStoreHealthCheck>(PolicyStoreHealthCheck.Name, tags: ["ready"]);
    }

    public void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.AddConsumer<AuthorizeRequestConsumer, AuthorizeRequestConsumerDefinition>();
        bus.AddConsumer<GetProviderCredentialsConsumer, GetProviderCredentialsConsumerDefinition>();
        bus.AddConsumer<SettleRequestConsumer, SettleRequestConsumerDefinition>();
        bus.AddRequestClient<ListModels>(Endpoints.RouterAddress, RequestTimeout.After(s: 3));
        bus.AddConsumer<KeyStoreChangedConsumer, KeyStoreChangedConsumerDefinition>().Endpoint(e =>
        {
            e.Name = changesEndpointName;
            e.Temporary = true;
        });
    }

    /// <summary>Rate limits (Policy:Limits): counters in memory, or in Redis shared by every replica.</summary>
    private static void AddLimits(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<LimitOptions>().Bind(builder.Configuration.GetSection(LimitOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LimitOptions>, LimitOptionsValidator>();
        services.AddSingleton<LimitMetrics>();
        services.AddSingleton<MemoryLimitStore>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<EntityRules>();

        // One guard for policy's Redis: rate limits and budgets rest from it together.
        services.AddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<LimitOptions>>().Value;
            var logger = provider.GetRequiredService<ILogger<RateLimiter>>();
            return new SharedStoreGuard(settings.StoreTimeout, settings.StoreRetryAfter, provider.GetRequiredService<TimeProvider>(),
                (failure, rest) => PolicyLog.LimitStoreDown(logger, failure, rest));
        });
        services.AddHostedService<LimitStoreWarmup>();
        services.AddSingleton<ILimitStore>(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<LimitOptions>>().Value;
            return settings.Store != LimitStoreKind.Redis
                ? provider.GetRequiredService<MemoryLimitStore>()
                : new RedisLimitStore(provider.GetRequiredService<PolicyRedis>().Connection, settings.RedisPrefix);
        });

        // One connection to Redis for limits and budgets together, made at start (LimitStoreWarmup).
        services.AddSingleton(provider => PolicyRedis.Connect(provider.GetRequiredService<IOptions<LimitOptions>>().Value));
    }

    /// <summary>Budgets (Policy:Budgets): reservations in this process, settled spend and announced thresholds in the policy store.</summary>
    private static void AddBudgets(IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BudgetOptions>().Bind(builder.Configuration.GetSection(BudgetOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BudgetOptions>, BudgetOptionsValidator>();
        services.AddSingleton<BudgetMetrics>();
        services.AddSingleton<BudgetReservations>();
        services.AddSingleton<BudgetSpendStore>();
        services.AddSingleton<BudgetAlerts>();
        services.AddSingleton<BudgetGuard>();
        services.AddSingleton<RouterPrices>();
        services.AddHostedService<RouterPriceRefresher>();
        services.AddSingleton(provider =>
        {
            var limits = provider.GetRequiredService<IOptions<LimitOptions>>().Value;
            if (limits.Store != LimitStoreKind.Redis)
            {
                return new SharedBudgets(null);
            }

            return new SharedBudgets(new RedisBudgetReservations(provider.GetRequiredService<PolicyRedis>().Connection, limits.RedisPrefix));
        });
        // HttpClient's own logging writes the request URL, and a webhook URL is a credential (Slack's are): none of it.
        services.AddHttpClient(BudgetAlerts.ClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();
    }

    public void MapEndpoints(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var keys = app.Services.GetRequiredService<KeyRing>();
        PolicyLog.KeysLoaded(app.Services.GetRequiredService<ILogger<PolicyModule>>(), keys.Count);

        // The admin API's identity providers: their JWKS fetches begin now, so an operator's first token need not wait.
        app.Services.GetRequiredKeyedService<JwtVerifier>(AdminJwtOptions.Section).Prefetch();
        AdminEndpoints.Map(app);
    }
}
