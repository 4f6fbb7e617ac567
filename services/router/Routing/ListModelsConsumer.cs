using AiMesh.Contracts.Routing;
using AiMesh.Router.Deployments;
using AiMesh.Router.Telemetry;
using MassTransit;

namespace AiMesh.Router.Routing;

/// <summary>Answers the public model catalog from configuration.</summary>
internal sealed class ListModelsConsumer(DeploymentCatalog catalog, ILogger<ListModelsConsumer> logger) : IConsumer<ListModels>
{
    public async Task Consume(ConsumeContext<ListModels> context)
    {
        logger.ModelsListed(context.Message.RequestId, catalog.Models.Count);
        await context.RespondAsync(new ModelsListed(context.Message.RequestId, catalog.Models));
    }
}
