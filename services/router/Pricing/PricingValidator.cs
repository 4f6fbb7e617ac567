using AiMesh.Router.Configuration;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Pricing;

/// <summary>
/// Start-up check of pricing, beside <see cref="RouterOptionsValidator"/>: every error of the price table, and of
/// each deployment's <c>Price</c> block (a negative price, a block that leaves its model without an input or output
/// price), in one list.
/// </summary>
internal sealed class PricingValidator(PriceTableSource source) : IValidateOptions<RouterOptions>
{
    public ValidateOptionsResult Validate(string? name, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>(source.Errors);
        for (var index = 0; index < options.Deployments.Count; index++)
        {
            var deployment = options.Deployments[index];
            if (deployment.Price is not { } block)
            {
                continue;
            }

            var at = RouterOptionsValidator.Where(index, deployment) + ": Price";
            foreach (var (member, value) in Members(block))
            {
                if (value < 0)
                {
                    errors.Add($"{at}:{member} is negative.");
                }
            }

            var listed = deployment.Provider is null || deployment.Model is null
                ? null
                : source.Table?.Find(deployment.Provider, string.IsNullOrWhiteSpace(deployment.UpstreamModel) ? deployment.Model : deployment.UpstreamModel);
            if (source.Table is not null && DeploymentPrices.Overlay(listed, block) is null)
            {
                errors.Add($"{at}: the price table has no entry for this model, so the block must give Input and Output.");
            }

            if (block.Version is { } version && (version.Length > 100 || version.Any(char.IsControl)))
            {
                errors.Add($"{at}:Version must be at most 100 characters, without control characters.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IEnumerable<(string Member, decimal? Value)> Members(PriceOptions block) =>
    [
        (nameof(block.Input), block.Input), (nameof(block.Output), block.Output), (nameof(block.CachedInput), block.CachedInput),
        (nameof(block.CacheWrite), block.CacheWrite), (nameof(block.Reasoning), block.Reasoning),
        (nameof(block.PerRequest), block.PerRequest), (nameof(block.PerImage), block.PerImage),
    ];
}
