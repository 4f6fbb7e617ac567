using AiMesh.Contracts;
using AiMesh.Contracts.Routing;
using MassTransit;

namespace AiMesh.Policy.Admin;

/// <summary>
/// <c>GET /admin/deployments</c>: every configured deployment's circuit, calls in flight, recent latency and errors, as
/// the router replicas see them together. Policy asks any router replica over the bus (<see cref="ListDeploymentHealth"/>
/// on the router's queue), which merges its own view with its peers' latest reports; no answer within
/// <see cref="AskTimeout"/> is 503. Deployments are mesh-wide infrastructure, and their load and errors are every
/// tenant's traffic, so admins only (<see cref="AdminOperation.ReadDeployments"/>).
/// </summary>
internal static class DeploymentEndpoints
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public static void Map(RouteGroupBuilder admin) =>
        admin.MapGroup("/deployments").WithTags("deployments")
            .MapGet("/", ListAsync)
            .Produces<DeploymentHealthListed>()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static async Task<IResult> ListAsync(HttpContext http, IBus bus)
    {
        if (!AdminRules.MayEver(AdminActor.Of(http), AdminOperation.ReadDeployments))
        {
            return AdminProblems.Forbidden();
        }

        var client = bus.CreateRequestClient<ListDeploymentHealth>(Endpoints.RouterAddress, RequestTimeout.After(s: (int)AskTimeout.TotalSeconds));
        try
        {
            var listed = await client.GetResponse<DeploymentHealthListed>(new ListDeploymentHealth(NewId.NextGuid()), http.RequestAborted);
            return TypedResults.Ok(listed.Message);
        }
        catch (RequestTimeoutException)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable",
                detail: "Deployments are not available: no router answered; retry shortly.");
        }
    }
}
