using AiMesh.Router.Deployments;

namespace AiMesh.Router.Routing;

/// <summary>Which model serves a request after the rules and splits, and what limits its deployments.</summary>
/// <param name="Model">The public model whose deployments are tried: the requested one, a rule's target or a split's.</param>
/// <param name="Constraints">The request's allowed regions, applied to every candidate lookup.</param>
/// <param name="Rule">The rule that chose <paramref name="Model"/>; null when none matched.</param>
/// <param name="Split">The split target that took the request; null when it stayed.</param>
internal sealed record RoutePlan(string Model, RouteConstraints Constraints, string? Rule = null, string? Split = null);
