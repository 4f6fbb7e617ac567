using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace AiMesh.Hosting;

/// <summary>
/// One AiMesh service as a unit the host composes: its services, its consumers and sagas, and its HTTP
/// endpoints. A distributed process hosts one module; the embedded process hosts all five on one bus.
/// </summary>
public interface IMeshModule
{
    string Name { get; }

    void ConfigureServices(IHostApplicationBuilder builder);

    void ConfigureBus(IBusRegistrationConfigurator bus);

    void MapEndpoints(WebApplication app);
}
