using AiMesh.Contracts.Routing;
using AiMesh.Router.Pricing;
using AiMesh.Router.Telemetry;
using MassTransit;

namespace AiMesh.Router.Routing;

/// <summary>Answers the public model catalog from configuration, each model with its price ceiling (policy reserves budgets with it).</summary>
internal sealed class ListModelsConsumer(DeploymentPrices prices, ILogger<ListModelsConsumer> logger) : IConsumer<ListModels>
{
    public async Task Consume(ConsumeContext<ListModels> context)
    {
        logger.ModelsListed(context.Message.RequestId, prices.Models.Count);
        await context.RespondAsync(new ModelsListed(context.Message.RequestId, prices.Models));
    }
}
