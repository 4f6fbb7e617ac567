using AiMesh.Contracts;
using AiMesh.Contracts.Routing;
using AiMesh.Hosting;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace AiMesh.Policy.Tests.Support;

/// <summary>
/// A router replica's <c>/admin/deployments</c> answer, as a neighbour stub on the policy host's bus: one open
/// deployment, merged over two replicas.
/// </summary>
internal sealed class RouterHealthStub : IMeshModule
{
    public static readonly DeploymentHealth Deployment = new(
        "openai-east", "gpt-4o", "openai", 0, 1, "open", 12.5, 2, 3, 420.5, 40, 22, 0.55, "UpstreamStatus 503", new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    public string Name => "router-health-stub";

    public void ConfigureServices(IHostApplicationBuilder builder)
    {
    }

    public void ConfigureBus(IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<Answers>().Endpoint(e => e.Name = Endpoints.Router);

    public void MapEndpoints(WebApplication app)
    {
    }

    private sealed class Answers : IConsumer<ListDeploymentHealth>
    {
        public Task Consume(ConsumeContext<ListDeploymentHealth> context) =>
            context.RespondAsync(new DeploymentHealthListed(context.Message.RequestId, DateTimeOffset.UtcNow, 2, [Deployment]));
    }
}
