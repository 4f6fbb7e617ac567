using AiMesh.Hosting;
using MassTransit;

namespace AiMesh.Policy;

/// <summary>The policy service as a module: hosted alone when distributed, beside the others when embedded.</summary>
public sealed class PolicyModule : IMeshModule
{
    public string Name => "policy";

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
