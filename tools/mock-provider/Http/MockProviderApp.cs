namespace AiMesh.MockProvider.Http;

/// <summary>Wires the mock into a web application; shared by the standalone program and the in-process server.</summary>
internal static class MockProviderApp
{
    public static (WebApplication App, MockRecorder Recorder) Build(WebApplicationBuilder builder, MockProviderOptions options)
    {
        // Stalled streams end on ApplicationStopping; the short timeout only bounds anything else still in flight.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);

        // Inline scheduling makes a flush hand the bytes to the socket before it returns. The benchmark wants that
        // (no hop to an I/O queue per chunk), and cutAfter needs it: HttpContext.Abort() resets the connection, and
        // bytes still queued inside Kestrel would be dropped, so the caller would see fewer chunks than asked for.
        // Handlers here never block, which is what makes the "unsafe" setting safe.
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);

        var app = builder.Build();
        var recorder = new MockRecorder(options.Record, options.RecordCapacity);
        var state = new MockServerState(options, recorder, app.Lifetime.ApplicationStopping);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AiMesh.MockProvider");
        var dispatcher = new MockDispatcher(state, logger);
        app.Run(dispatcher.InvokeAsync);
        return (app, recorder);
    }
}
