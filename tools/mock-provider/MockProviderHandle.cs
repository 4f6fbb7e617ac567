namespace AiMesh.MockProvider;

/// <summary>A running in-process mock. Disposing it stops the server; stalled streams are ended.</summary>
public sealed class MockProviderHandle : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    internal MockProviderHandle(WebApplication app, Uri baseAddress, MockRecorder recorder)
    {
        _app = app;
        BaseAddress = baseAddress;
        Recorder = recorder;
    }

    /// <summary>The server root, e.g. <c>http://127.0.0.1:54321/</c>; OpenAI clients use <c>{BaseAddress}v1/</c>.</summary>
    public Uri BaseAddress { get; }

    public MockRecorder Recorder { get; }

    /// <summary>
    /// The root under which every route answers with <paramref name="spec"/> (e.g. <c>status=429;retryAfter=2</c>),
    /// for pointing a deployment at a faulty provider: <c>{ScenarioAddress(spec)}v1/</c>.
    /// </summary>
    public Uri ScenarioAddress(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        return new Uri(BaseAddress, "s/" + Uri.EscapeDataString(spec) + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
