using System.Text.Json.Nodes;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Deployments;
using AiMesh.Router.Telemetry;

namespace AiMesh.Router.Routing;

/// <summary>
/// Decides which model's deployments serve a request, before any is tried: first the rules (<see cref="RouteRules"/>,
/// first match wins, one rule at most: a target is not matched again, so rules cannot loop), then the splits of the model
/// chosen (<see cref="TrafficSplits"/>; a split's target is not split again). Data residency is not a step here but a
/// constraint of every lookup (<see cref="RouteConstraints"/>): a split whose target has no deployment in the request's
/// regions leaves the request on its model (an experiment must not refuse a caller its model could serve), while a
/// rule's target is binding, so no allowed deployment there is an error.
/// </summary>
internal sealed class ConditionalRouting(RouteRules rules, TrafficSplits splits, IDeploymentSelector selector, ILogger<ConditionalRouting> logger)
{
    public RoutePlan Plan(RouteCompletion request, JsonObject? body)
    {
        ArgumentNullException.ThrowIfNull(request);
        var constraints = request.Regions is { } regions ? new RouteConstraints(regions) : RouteConstraints.None;
        var plan = new RoutePlan(request.Model, constraints);
        if (rules.Any && rules.Match(request, body) is var (rule, name))
        {
            logger.RouteRuleMatched(request.RequestId, name, rule.Target!);
            plan = plan with { Model = rule.Target!, Rule = name };
        }

        if (splits.Side(plan.Model, request, body) is { } target)
        {
            if (selector.Candidates(target, request.Api, constraints).Count > 0)
            {
                logger.RouteSplit(request.RequestId, plan.Model, target);
                plan = plan with { Model = target, Split = target };
            }
            else
            {
                logger.SplitOutsideRegions(request.RequestId, plan.Model, target);
            }
        }

        return plan;
    }
}
