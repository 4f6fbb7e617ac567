using AiMesh.Hosting;
using AiMesh.Policy.Authorization;
using AiMesh.Policy.Keys;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Policy;

/// <summary>The policy service as a module: hosted alone when distributed, beside the others when embedded.</summary>
public sealed class PolicyModule : IMeshModule
{
    public string Name => "policy";

    public void ConfigureServices(IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PolicyOptions>()
            .Bind(builder.Configuration.GetSection(PolicyOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>();
        builder.Services.AddSingleton<KeyRing>();
    }

    public void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<AuthorizeRequestConsumer, AuthorizeRequestConsumerDefinition>();
    }

    public void MapEndpoints(WebApplication app)
    {
        var keys = app.Services.GetRequiredService<KeyRing>();
        PolicyLog.KeysLoaded(app.Services.GetRequiredService<ILogger<PolicyModule>>(), keys.Count);
    }
}
