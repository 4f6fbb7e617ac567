using System.Net;
using AiMesh.MockProvider.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AiMesh.MockProvider;

/// <summary>Starts the mock inside the calling process, on a real socket on 127.0.0.1.</summary>
public static class MockProviderServer
{
    public static async Task<MockProviderHandle> StartAsync(MockProviderOptions? options = null, CancellationToken ct = default)
    {
        options ??= new MockProviderOptions();
        options.Validate();

        // The empty builder reads no appsettings or environment: in-process, the options alone decide how the
        // mock behaves and how much it logs, whatever configuration files the host process carries.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(MockProviderServer).Assembly.GetName().Name,
        });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(options.LogLevel);

        var (app, recorder) = MockProviderApp.Build(builder, options);
        try
        {
            // Started off the caller's synchronization context (xUnit installs one with a few threads) so nothing the
            // host starts can capture it: the mock's requests must not compete with the test for the runner's threads.
            await Task.Run(() => app.StartAsync(ct), ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MockProviderHandle(app, new Uri(address.TrimEnd('/') + "/"), recorder);
    }
}
