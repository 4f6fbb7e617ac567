namespace AiMesh.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Starting and stopping the tests' hosts within a bound, so a host that does not stop fails its fixture with its name
/// instead of holding the whole run (a hung E2E run once held CI until its limit without saying where).
/// </summary>
internal static class Bounded
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);

    // The host gives its hosted services 30 s to honour the stop token; beyond that it is hung.
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(60);

    public static async Task StartBoundedAsync(this IHost host)
    {
        using var cancel = new CancellationTokenSource(StartLimit);
        try
        {
            await host.StartAsync(cancel.Token).WaitAsync(StartLimit);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            throw new TimeoutException($"host {Name(host)} did not start within {StartLimit.TotalSeconds} s", e);
        }
    }

    /// <summary>Stops and disposes the host; a timeout exception naming it when that does not finish within a minute.</summary>
    public static async Task StopBoundedAsync(this IHost host)
    {
        using var grace = new CancellationTokenSource(StopGrace);
        try
        {
            await host.StopAsync(grace.Token).WaitAsync(StopLimit);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"host {Name(host)} did not stop within {StopLimit.TotalSeconds} s", e);
        }

        switch (host)
        {
            case IAsyncDisposable asynchronous:
                await asynchronous.DisposeAsync().AsTask().WaitAsync(StopLimit);
                break;
            default:
                host.Dispose();
                break;
        }
    }

    /// <summary>A task that must finish within <paramref name="limit"/>; else a timeout exception saying what it was.</summary>
    public static async Task<T> Within<T>(this Task<T> task, TimeSpan limit, string what)
    {
        try
        {
            return await task.WaitAsync(limit);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{what} did not finish within {limit.TotalSeconds} s", e);
        }
    }

    private static string Name(IHost host) =>
        host.Services.GetService<IConfiguration>()?["Mesh:Service"] ?? host.Services.GetService<IHostEnvironment>()?.ApplicationName ?? host.GetType().Name;
}
