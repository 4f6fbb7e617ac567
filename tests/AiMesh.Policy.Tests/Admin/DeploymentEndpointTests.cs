using System.Net;
using AiMesh.Policy.Tests.Support;

namespace AiMesh.Policy.Tests.Admin;

/// <summary>
/// <c>GET /admin/deployments</c> (services/policy/Admin/DeploymentEndpoints.cs): policy asks a router replica over the
/// bus and returns its merged view as it came; with no router answering, 503 ProblemDetails after the ask's timeout.
/// Who may read it is a row of <see cref="RbacMatrixTests"/>.
/// </summary>
public sealed class DeploymentEndpointTests
{
    [Fact]
    public async Task The_routers_merged_view_is_returned_field_for_field()
    {
        await using var host = await AdminHost.StartAsync(null, new RouterHealthStub());
        using var admin = host.Client();

        var listed = await admin.GetOkAsync("/admin/deployments");

        Assert.Equal(2, listed["replicas"]!.GetValue<int>());
        var deployment = Assert.Single(listed["deployments"]!.AsArray())!.AsObject();
        var expected = RouterHealthStub.Deployment;
        Assert.Equal(
            (expected.Name, expected.Model, expected.Circuit, expected.OpenOn, expected.InFlight, expected.Calls, expected.Failures, expected.LastError),
            (deployment["name"]!.GetValue<string>(), deployment["model"]!.GetValue<string>(), deployment["circuit"]!.GetValue<string>(),
                deployment["openOn"]!.GetValue<int>(), deployment["inFlight"]!.GetValue<int>(), deployment["calls"]!.GetValue<int>(),
                deployment["failures"]!.GetValue<int>(), deployment["lastError"]!.GetValue<string>()));
        Assert.Equal((12.5, 420.5, 0.55), (deployment["openForSeconds"]!.GetValue<double>(), deployment["latencyMs"]!.GetValue<double>(), deployment["errorRate"]!.GetValue<double>()));
    }

    [Fact]
    public async Task No_router_answering_is_a_503_problem_not_a_hang()
    {
        await using var host = await AdminHost.StartAsync();
        using var admin = host.Client();

        using var response = await admin.GetAsync("/admin/deployments");

        var problem = await AdminApi.ProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("no router answered", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
