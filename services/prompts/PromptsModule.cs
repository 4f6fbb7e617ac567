using AiMesh.Hosting;
using MassTransit;

namespace AiMesh.Prompts;

/// <summary>The prompts service as a module: hosted alone when distributed, beside the others when embedded.</summary>
public sealed class PromptsModule : IMeshModule
{
    public string Name => "prompts";

    public void ConfigureServices(IHostApplicationBuilder builder)
    {
    }

    public void ConfigureBus(IBusRegistrationConfigurator bus)
    {
    }

    public void MapEndpoints(WebApplication app)
    {
    }
}
