using AiMesh.Hosting;
using MassTransit;

namespace AiMesh.Router;

/// <summary>The router service as a module: hosted alone when distributed, beside the others when embedded.</summary>
public sealed class RouterModule : IMeshModule
{
    public string Name => "router";

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
