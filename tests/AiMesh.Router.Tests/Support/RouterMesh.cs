using AiMesh.MockProvider;

namespace AiMesh.Router.Tests.Support;

/// <summary>A mock provider on a real socket and a router host whose deployments point at it.</summary>
internal sealed class RouterMesh : IAsyncDisposable
{
    private RouterMesh(MockProviderHandle mock, RouterHost router)
    {
        Mock = mock;
        Router = router;
    }

    public MockProviderHandle Mock { get; }

    public RouterHost Router { get; }

    /// <param name="scenario">A mock fault spec (e.g. <c>cutAfter=3</c>) applied to every call of the chat deployment.</param>
    public static async Task<RouterMesh> StartAsync(string? scenario = null, Action<Dictionary<string, string?>>? configure = null)
    {
        var mock = await MockProviderServer.StartAsync();
        RouterHost? router = null;
        try
        {
            var root = scenario is null ? mock.BaseAddress : mock.ScenarioAddress(scenario);
            var settings = RouterHost.Settings(new Uri(root, "v1"), new Uri(mock.BaseAddress, "v1"));
            configure?.Invoke(settings);
            router = await RouterHost.StartAsync(settings);
            return new RouterMesh(mock, router);
        }
        finally
        {
            if (router is null)
            {
                await mock.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        await Mock.DisposeAsync();
    }
}
