using AiMesh.Contracts;
using AiMesh.Contracts.Prompts;
using AiMesh.Ingress.Chains;
using AiMesh.Ingress.Instance;
using AiMesh.Ingress.Relay;
using AiMesh.Ingress.Saga;
using AiMesh.Ingress.Scheduling;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AiMesh.Ingress.Tests.Support;

/// <summary>
/// The ingress module registered as the host registers it (its services, its bus registrations: the saga with its
/// real definition, in-process scheduler and outbox, the relay consumers) on MassTransit's in-memory test harness,
/// with the neighbouring services replaced by <see cref="Neighbours"/> stubs on their real queue names. The bus is
/// configured like <c>MeshBus</c> configures it (no delayed-message scheduler), so every saga timeout goes through
/// <see cref="InProcessScheduleMessageProvider"/>.
/// </summary>
internal sealed class SagaHost : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly IHost host;

    private SagaHost(IHost host)
    {
        this.host = host;
        Harness = host.Services.GetRequiredService<ITestHarness>();
        Saga = Harness.GetSagaStateMachineHarness<RequestStateMachine, RequestState>();
        Neighbours = host.Services.GetRequiredService<Neighbours>();
        Instance = host.Services.GetRequiredService<IngressInstance>();
        Relays = host.Services.GetRequiredService<ResponseRelays>();
        Scheduler = host.Services.GetRequiredService<InProcessScheduleMessageProvider>();
        Inbox = host.Services.GetRequiredService<SagaInbox>();
        Chains = Harness.GetSagaStateMachineHarness<ChainStateMachine, ChainState>();
        Runs = host.Services.GetRequiredService<ChainRuns>();
    }

    public ISagaStateMachineTestHarness<ChainStateMachine, ChainState> Chains { get; }

    public ChainRuns Runs { get; }

    public SagaInbox Inbox { get; }

    public ITestHarness Harness { get; }

    public ISagaStateMachineTestHarness<RequestStateMachine, RequestState> Saga { get; }

    public Neighbours Neighbours { get; }

    public IngressInstance Instance { get; }

    public ResponseRelays Relays { get; }

    public InProcessScheduleMessageProvider Scheduler { get; }

    public RequestStateMachine Machine => Saga.StateMachine;

    /// <summary>Starts a host; <paramref name="settings"/> are configuration keys such as <c>Ingress:PolicyTimeout</c>.</summary>
    public static async Task<SagaHost> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings ?? []);

        var module = new IngressModule();
        module.ConfigureServices(builder);
        builder.Services.AddSingleton<Neighbours>();
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            // A short quiet period: tests that assert something did NOT happen wait for the bus to fall idle.
            bus.SetTestTimeouts(testTimeout: TimeSpan.FromMinutes(1), testInactivityTimeout: TimeSpan.FromMilliseconds(500));
            bus.SetKebabCaseEndpointNameFormatter();
            module.ConfigureBus(bus);
            bus.AddConsumer<PolicyStub>().Endpoint(e => e.Name = Endpoints.Policy);
            bus.AddConsumer<PromptsStub>().Endpoint(e => e.Name = Endpoints.Prompts);
            bus.AddConsumer<RouterStub>().Endpoint(e => e.Name = Endpoints.Router);
            bus.AddConsumer<MeteringStub>().Endpoint(e => e.Name = Endpoints.Metering);
            bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });

        var host = builder.Build();
        var started = false;
        try
        {
            await host.StartAsync();
            started = true;
        }
        finally
        {
            if (!started)
            {
                host.Dispose();
            }
        }

        var saga = new SagaHost(host);
        await WaitUntilAsync(() => saga.Instance.Address is not null);
        return saga;
    }

    /// <summary>A chat request as the HTTP exchange submits it: to be accepted within a minute, due in ten.</summary>
    public static SubmitCompletion Chat(
        string body = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""",
        bool stream = false,
        bool hasPrompt = false,
        string credentialHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
    {
        var started = DateTimeOffset.UtcNow;
        return new SubmitCompletion(
            Guid.NewGuid(), "chat.completions", "gpt-4o-mini", body, stream, hasPrompt, credentialHash, "10.1.2.3", "user-42",
            new Dictionary<string, string> { ["team"] = "search", ["env"] = "test" }, started, started.AddMinutes(10), started.AddMinutes(1));
    }

    /// <summary>Opens the relay for the request and hands the request to this instance's saga, as the exchange does.</summary>
    public async Task<ResponseRelay> SubmitAsync(SubmitCompletion request)
    {
        var relay = Relays.Open(request.RequestId);
        await Inbox.DeliverAsync(request, CancellationToken.None);
        return relay;
    }

    /// <summary>Starts a chain run as the chain exchange does: its outcome is awaited on <see cref="Runs"/>.</summary>
    public async Task<(Guid RunId, Task<ChainOutcome> Ended)> StartChainAsync(ChainDetail chain, string input)
    {
        var runId = Guid.NewGuid();
        var ended = Runs.Open(runId);
        await Inbox.DeliverAsync(
            new StartChain(runId, chain, input, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", null, "10.1.2.3", DateTimeOffset.UtcNow.AddMinutes(10)),
            CancellationToken.None);
        return (runId, ended);
    }

    /// <summary>Tells the saga its client left, as the exchange does.</summary>
    public Task AbandonAsync(Guid requestId) => Inbox.DeliverAsync(new AbandonRequest(requestId), CancellationToken.None);

    /// <summary>Reads the relay to its end: the chunks in the order handed out, then the answer.</summary>
    public static async Task<(IReadOnlyList<string> Chunks, CompletionAnswered Answer, bool Incomplete)> ReadAllAsync(ResponseRelay relay)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var chunks = new List<string>();
        while (true)
        {
            var item = await relay.ReadAsync(TimeSpan.FromSeconds(10), timeout.Token);
            if (item.Answer is { } answer)
            {
                return (chunks, answer, item.Incomplete);
            }

            chunks.Add(item.Chunk!);
        }
    }

    /// <summary>
    /// Asserts the relay holds nothing to read: no answer was handed over. Call after the bus
    /// settled; answers are handed over when the saga's transition completes, so one would be there by then.
    /// </summary>
    public static async Task AssertNothingMoreAsync(ResponseRelay relay)
    {
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await relay.ReadAsync(TimeSpan.FromSeconds(10), quiet.Token));
    }

    /// <summary>Waits until the request's saga is in <paramref name="state"/>; fails the test if it never gets there.</summary>
    public async Task AssertStateAsync(Guid requestId, Func<RequestStateMachine, State> state)
    {
        var found = await Saga.Exists(requestId, state, Patience);
        var name = state(Machine).Name;
        Assert.True(found.HasValue, $"The saga never reached {name}.");
    }

    /// <summary>Waits until the request's saga reached Final and was removed from the repository.</summary>
    public async Task AssertFinalizedAsync(Guid requestId)
    {
        Assert.Null(await Saga.NotExists(requestId, Patience));
        var instance = InstanceOf(requestId);
        Assert.Equal(Machine.Final.Name, instance.CurrentState);
    }

    /// <summary>
    /// The saga instance as the harness last saw it (also after it was removed). <c>First</c>, not <c>Single</c>: the
    /// harness's lists wait for the bus to fall idle before they can say there is no second match.
    /// </summary>
    public RequestState InstanceOf(Guid requestId) => Saga.Sagas.Select(x => x.CorrelationId == requestId).First().Saga;

    /// <summary>Waits until the bus has been idle for the harness's quiet period: nothing more is on its way.</summary>
    public async Task SettleAsync() => await Harness.InactivityTask.WaitAsync(Patience);

    /// <summary>
    /// Asks again until the answer is yes or patience runs out: the harness's <c>Any</c> says no as soon as the bus
    /// has been quiet for its short inactivity period, which a loaded machine can reach before the message arrives.
    /// </summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> check)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await check())
        {
            if (timeout.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        return true;
    }

    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
