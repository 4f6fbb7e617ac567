using AiMesh.Hosting;
using AiMesh.Prompts.Rendering;
using AiMesh.Prompts.Templates;
using MassTransit;
using Microsoft.Extensions.Options;

namespace AiMesh.Prompts;

/// <summary>The prompts service as a module: hosted alone when distributed, beside the others when embedded.</summary>
public sealed class PromptsModule : IMeshModule
{
    public string Name => "prompts";

    public void ConfigureServices(IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PromptsOptions>()
            .Bind(builder.Configuration.GetSection(PromptsOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PromptsOptions>, PromptsOptionsValidator>();
    }

    public void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RenderPromptConsumer, RenderPromptConsumerDefinition>();
    }

    public void MapEndpoints(WebApplication app)
    {
    }
}
