using AiMesh.Hosting;
using MassTransit;

namespace AiMesh.Ingress;

/// <summary>The ingress service as a module: hosted alone when distributed, beside the others when embedded.</summary>
public sealed class IngressModule : IMeshModule
{
    public string Name => "ingress";

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
