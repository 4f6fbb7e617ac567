using AiMesh.Router.Deployments;
using AiMesh.Router.Health;
using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AiMesh.Router.Tests.Routing;

/// <summary>
/// Optional active health checks (issue 6, "Health"; services/router/Health/ActiveHealthChecks.cs): a one-token
/// completion per deployment and interval, through the deployment's own adapter, whose outcome the circuit breaker
/// counts like a call's. Against the mock's faults.
/// </summary>
public sealed class ActiveHealthCheckTests
{
    [Fact]
    public async Task An_idle_deployment_that_died_is_opened_by_the_checks_before_any_client_calls_it()
    {
        await using var mesh = await RouterMesh.StartAsync($"status=500;tag={Guid.NewGuid():N}", s =>
        {
            s["Router:Health:ActiveCheckInterval"] = "00:00:01";
            s["Router:Health:ConsecutiveFailures"] = "2";
            s["Router:Health:BreakTime"] = "00:01:00";
        });
        var breakers = mesh.Router.Services.GetRequiredService<CircuitBreakers>();
        var deployment = mesh.Router.Services.GetRequiredService<DeploymentCatalog>().Deployments.Single(d => d.Name == "mock-chat");

        await UntilAsync(() => breakers.StateOf(deployment) == CircuitState.Open, "the checks never opened the dead deployment's circuit");

        var checks = mesh.Mock.Recorder.Snapshot().Where(r => r.Scenario is not null).ToList();
        Assert.True(checks.Count >= 2, $"{checks.Count} checks");
        Assert.All(checks, c => Assert.Contains("\"max_tokens\":1", c.Body, StringComparison.Ordinal));
        Assert.All(checks, c => Assert.Contains("ping", c.Body, StringComparison.Ordinal));
        Assert.All(checks, c => Assert.Equal("Bearer " + RouterHost.Key, c.Headers["authorization"]));
    }

    [Fact]
    public async Task An_open_deployment_is_probed_by_a_check_not_a_client_and_no_check_goes_while_its_break_runs()
    {
        await using var mesh = await RouterMesh.StartAsync($"status=503;statusCount=2;tag={Guid.NewGuid():N}", s =>
        {
            s["Router:Health:ConsecutiveFailures"] = "2";
            s["Router:Health:BreakTime"] = "00:00:01";
        });
        var breakers = mesh.Router.Services.GetRequiredService<CircuitBreakers>();
        var checks = mesh.Router.Services.GetRequiredService<ActiveHealthChecks>();
        var deployment = mesh.Router.Services.GetRequiredService<DeploymentCatalog>().Deployments.Single(d => d.Name == "mock-chat");

        Assert.False(await checks.CheckAsync(deployment, CancellationToken.None));
        Assert.False(await checks.CheckAsync(deployment, CancellationToken.None));
        Assert.Equal(CircuitState.Open, breakers.StateOf(deployment));
        Assert.Null(await checks.CheckAsync(deployment, CancellationToken.None));
        Assert.Equal(2, mesh.Mock.Recorder.Snapshot().Count);

        await UntilAsync(() => breakers.StateOf(deployment) == CircuitState.HalfOpen, "the break never ended");
        Assert.True(await checks.CheckAsync(deployment, CancellationToken.None));

        Assert.Equal(CircuitState.Closed, breakers.StateOf(deployment));
        Assert.Equal(3, mesh.Mock.Recorder.Snapshot().Count);

        // Off by default: nothing but the three checks this test made reached the provider.
        await Task.Delay(1500);
        Assert.Equal(3, mesh.Mock.Recorder.Snapshot().Count);
    }

    private static async Task UntilAsync(Func<bool> condition, string failure)
    {
        var giveUp = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < giveUp, failure);
            await Task.Delay(50);
        }
    }
}
