using AiMesh.Ingress.Scheduling;
using AiMesh.Ingress.Tests.Support;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AiMesh.Ingress.Tests.Scheduling;

public sealed class InProcessScheduleMessageProviderTests : IAsyncLifetime
{
    private static readonly Uri Destination = new($"queue:{ProbeConsumer.Queue}");
    private readonly Received<(Probe Probe, string? Header)> received = new();
    private IHost host = null!;
    private InProcessScheduleMessageProvider scheduler = null!;
    private ITestHarness harness = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<InProcessScheduleMessageProvider>();
        builder.Services.AddSingleton(received);
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            bus.SetTestTimeouts(testInactivityTimeout: TimeSpan.FromMilliseconds(500));
            bus.AddConsumer<ProbeConsumer>().Endpoint(e => e.Name = ProbeConsumer.Queue);
            bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
        });
        host = builder.Build();
        await host.StartAsync();
        scheduler = host.Services.GetRequiredService<InProcessScheduleMessageProvider>();
        harness = host.Services.GetRequiredService<ITestHarness>();
    }

    public async Task DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }

    [Fact]
    public async Task A_scheduled_message_is_held_until_its_time_then_sent_with_its_pipe()
    {
        var at = DateTime.UtcNow.AddSeconds(1);
        var pipe = Pipe.Execute<SendContext<Probe>>(c => c.Headers.Set("x-probe", "set by the pipe"));

        var handle = await scheduler.ScheduleSend(Destination, at, new Probe(1), pipe, CancellationToken.None);

        Assert.Equal((Destination, at, 1), (handle.Destination, handle.ScheduledTime, handle.Payload.Number));
        Assert.Equal(1, scheduler.Pending);
        Assert.Empty(received.Snapshot());
        var (probe, header) = await received.WaitForAsync(p => p.Probe.Number == 1);
        Assert.Equal("set by the pipe", header);
        Assert.Equal(1, probe.Number);
        Assert.Equal(0, scheduler.Pending);
    }

    [Fact]
    public async Task A_message_scheduled_in_the_past_is_sent_at_once()
    {
        await scheduler.ScheduleSend(Destination, DateTime.UtcNow.AddSeconds(-5), new Probe(2), Pipe.Empty<SendContext<Probe>>(), CancellationToken.None);

        await received.WaitForAsync(p => p.Probe.Number == 2);
        Assert.Equal(0, scheduler.Pending);
    }

    [Fact]
    public async Task A_cancelled_message_never_arrives()
    {
        var cancelled = await scheduler.ScheduleSend(Destination, DateTime.UtcNow.AddSeconds(1), new Probe(3), Pipe.Empty<SendContext<Probe>>(), CancellationToken.None);
        await scheduler.ScheduleSend(Destination, DateTime.UtcNow.AddMilliseconds(1500), new Probe(4), Pipe.Empty<SendContext<Probe>>(), CancellationToken.None);

        await scheduler.CancelScheduledSend(Destination, cancelled.TokenId, CancellationToken.None);
        Assert.Equal(1, scheduler.Pending);

        // The later message arriving shows the cancelled one's time has long passed.
        await received.WaitForAsync(p => p.Probe.Number == 4);
        await harness.InactivityTask.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.DoesNotContain(received.Snapshot(), p => p.Probe.Number == 3);
        Assert.Equal(0, scheduler.Pending);
    }

    [Fact]
    public async Task Cancelling_an_unknown_or_already_sent_token_changes_nothing()
    {
        var sent = await scheduler.ScheduleSend(Destination, DateTime.UtcNow, new Probe(5), Pipe.Empty<SendContext<Probe>>(), CancellationToken.None);
        await received.WaitForAsync(p => p.Probe.Number == 5);
        var pending = await scheduler.ScheduleSend(Destination, DateTime.UtcNow.AddSeconds(1), new Probe(6), Pipe.Empty<SendContext<Probe>>(), CancellationToken.None);

        await scheduler.CancelScheduledSend(sent.TokenId, CancellationToken.None);
        await scheduler.CancelScheduledSend(Guid.NewGuid(), CancellationToken.None);

        Assert.Equal(1, scheduler.Pending);
        Assert.NotEqual(sent.TokenId, pending.TokenId);
        await received.WaitForAsync(p => p.Probe.Number == 6);
    }
}
