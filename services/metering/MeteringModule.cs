using AiMesh.Hosting;
using MassTransit;

namespace AiMesh.Metering;

/// <summary>The metering service as a module: hosted alone when distributed, beside the others when embedded.</summary>
public sealed class MeteringModule : IMeshModule
{
    public string Name => "metering";

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
