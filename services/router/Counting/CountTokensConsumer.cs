using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Deployments;
using AiMesh.Router.Routing;
using MassTransit;

namespace AiMesh.Router.Counting;

/// <summary>
/// Answers <see cref="CountTokens"/>: the deployment that would serve the model is chosen as for a completion; its
/// provider counts when it can (<see cref="ProviderTokenCounter"/>), else the router estimates
/// (<see cref="TokenEstimator"/>) and says so. A model no deployment serves is a 404.
/// </summary>
internal sealed class CountTokensConsumer(IDeploymentSelector selector, ProviderTokenCounter provider, Secrets.ProviderCredentialStore credentials) : IConsumer<CountTokens>
{
    public async Task Consume(ConsumeContext<CountTokens> context)
    {
        var request = context.Message;
        var deployment = selector.Select(request.Model, ProviderApis.ChatCompletions);
        if (deployment is null)
        {
            await context.RespondAsync(new TokensCounted(request.RequestId, Status: 404, ErrorCode: "model_not_found",
                ErrorMessage: string.Create(CultureInfo.InvariantCulture, $"The model '{request.Model}' does not exist or you do not have access to it.")));
            return;
        }

        JsonObject body;
        try
        {
            body = JsonNode.Parse(request.Body) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            await context.RespondAsync(new TokensCounted(request.RequestId, Status: 400, ErrorCode: "invalid_json", ErrorMessage: "The request to count is not a JSON object."));
            return;
        }

        // A stored credential not held here: no provider count (nothing is sent without a key), the estimate instead.
        if (credentials.Resolve(deployment) is { } ready &&
            await provider.CountAsync(request.RequestId, ClientHeaders.ForCall(ready, request.ClientHeaders), body, context.CancellationToken) is { } exact)
        {
            await context.RespondAsync(new TokensCounted(request.RequestId, exact));
            return;
        }

        var estimate = (int)Math.Min(int.MaxValue, TokenEstimator.Estimate(body));
        await context.RespondAsync(new TokensCounted(request.RequestId, estimate, Estimated: true));
    }
}
