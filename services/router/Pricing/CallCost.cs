using AiMesh.Contracts.Routing;
using AiMesh.Router.Counting;
using AiMesh.Router.Deployments;
using AiMesh.Router.Providers;
using AiMesh.Router.Transport;

namespace AiMesh.Router.Pricing;

/// <summary>
/// What one ended provider call cost, by the rules in docs/architecture.md ("Cost"):
/// <list type="bullet">
/// <item>no price for the deployment's model: null (counted and logged by <see cref="UnpricedModels"/>), never 0;</item>
/// <item>nothing sent, or the provider never began answering (unreachable, an error status, a redirect, no first byte
/// before a clock or the client ended it): 0, exact;</item>
/// <item>usage the provider reported for the whole answer (a whole answer's, or a stream that completed): priced as reported;</item>
/// <item>the provider began answering and the call ended without final usage (a stream cut, stalled, relayed no
/// further or left by its client; a whole answer lost while read; an answer without usage): input as reported, else
/// estimated from the request; output the larger of what was reported and the estimate of what was relayed; marked
/// estimated. The provider bills that attempt, so it counts.</item>
/// </list>
/// </summary>
internal sealed class CallCost(DeploymentPrices prices, UnpricedModels unpriced)
{
    /// <param name="outcome">Null when the request was refused before a provider call was built.</param>
    public Cost? Of(Deployment deployment, ProviderCall? call, CallOutcome? outcome)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (prices.For(deployment) is not { } priced)
        {
            unpriced.Report(deployment);
            return null;
        }

        if (call is null || outcome is null || outcome.Attempts == 0 || !outcome.AnswerStarted)
        {
            return new Cost(0m, priced.Currency, priced.Version);
        }

        var images = priced.Price.PerImage is null ? 0 : TokenEstimator.Images(call.Body);
        if (outcome.Usage is { } reported && (outcome.Failure is null || !call.Stream))
        {
            return new Cost(Normalize(CostCalculator.Compute(priced.Price, reported, images)), priced.Currency, priced.Version, reported.Estimated);
        }

        var relayed = call.Stream
            ? OutputText.EstimateChunks(outcome.Relayed ?? [])
            : outcome.Body is { } body ? OutputText.EstimateAnswer(body) : 0;
        var input = outcome.Usage?.PromptTokens ?? (int)Math.Min(int.MaxValue, TokenEstimator.Estimate(call.Body));
        var output = (int)Math.Min(int.MaxValue, Math.Max(outcome.Usage?.CompletionTokens ?? 0, relayed));
        var estimate = new TokenUsage(input, output, outcome.Usage?.CachedTokens, outcome.Usage?.ReasoningTokens, Estimated: true, outcome.Usage?.CacheWriteTokens);
        return new Cost(Normalize(CostCalculator.Compute(priced.Price, estimate, images)), priced.Currency, priced.Version, Estimated: true);
    }

    /// <summary>The same value without trailing zeros (0.0000100 → 0.00001), so every reader prints it alike.</summary>
    internal static decimal Normalize(decimal amount) => amount / 1.000000000000000000000000000000000m;
}
