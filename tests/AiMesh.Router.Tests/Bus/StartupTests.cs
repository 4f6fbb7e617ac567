using AiMesh.Router.Tests.Support;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Tests.Bus;

public sealed class StartupTests
{
    [Fact]
    public async Task A_router_with_a_broken_catalog_does_not_start_and_says_everything_wrong()
    {
        var settings = RouterHost.Settings(new Uri("http://127.0.0.1:9/v1"));
        settings.Remove(RouterHost.KeyVariable);
        settings["Router:Deployments:1:BaseUrl"] = "not a url";

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => RouterHost.StartAsync(settings));

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains(RouterHost.KeyVariable, StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Deployments:1 (mock-embeddings): BaseUrl", StringComparison.Ordinal));
    }
}
