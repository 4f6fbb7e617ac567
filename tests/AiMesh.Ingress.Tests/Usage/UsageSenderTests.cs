using System.Diagnostics.Metrics;
using System.Threading.Channels;
using AiMesh.Contracts.Metering;
using AiMesh.Ingress.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiMesh.Ingress.Tests.Usage;

/// <summary>
/// The ingress's usage sender against a scripted transport: what it batches, that a failed send loses nothing, that a
/// backlog stops admission rather than dropping records, and what stop does with the records still waiting.
/// </summary>
public sealed class UsageSenderTests : IAsyncLifetime
{
    private readonly ScriptedTransport transport = new();
    private readonly ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private UsageSender sender = null!;

    public async Task InitializeAsync()
    {
        sender = Create(backlogLimit: 1_000);
        await sender.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        transport.ReleaseAll();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await sender.StopAsync(stop.Token);
        sender.Dispose();
        await services.DisposeAsync();
    }

    [Fact]
    public async Task A_record_leaves_alone_when_idle_and_the_records_ended_meanwhile_leave_together()
    {
        transport.HoldSends = true;
        var first = Record();
        sender.Enqueue(first);
        var firstSend = await transport.NextAttemptAsync();

        var later = new[] { Record(), Record(), Record() };
        foreach (var record in later)
        {
            sender.Enqueue(record);
        }

        Assert.Equal(4, sender.Pending);
        transport.HoldSends = false;
        firstSend.Release();
        var secondSend = await transport.NextAttemptAsync();

        Assert.Equal([first.RequestId], firstSend.Batch.Records.Select(r => r.RequestId));
        Assert.Equal(later.Select(r => r.RequestId), secondSend.Batch.Records.Select(r => r.RequestId));
        await WaitUntilAsync(() => sender.Pending == 0);
    }

    [Fact]
    public async Task A_failed_send_is_retried_with_the_same_records_until_the_broker_takes_them()
    {
        transport.FailNext = 2;
        var record = Record();
        sender.Enqueue(record);

        var attempts = new[] { await transport.NextAttemptAsync(), await transport.NextAttemptAsync(), await transport.NextAttemptAsync() };

        Assert.All(attempts, attempt => Assert.Equal([record.RequestId], attempt.Batch.Records.Select(r => r.RequestId)));
        Assert.Equal([false, false, true], attempts.Select(a => a.Succeeded));
        await WaitUntilAsync(() => sender.Pending == 0);
    }

    [Fact]
    public async Task A_backlog_turns_admission_away_instead_of_dropping_records_and_admits_again_once_sent()
    {
        await sender.StopAsync(CancellationToken.None);
        sender.Dispose();
        sender = Create(backlogLimit: 3);
        await sender.StartAsync(CancellationToken.None);
        transport.HoldSends = true;

        sender.Enqueue(Record());
        var held = await transport.NextAttemptAsync();
        sender.Enqueue(Record());
        Assert.False(sender.IsBacklogged);
        sender.Enqueue(Record());
        Assert.True(sender.IsBacklogged);

        transport.HoldSends = false;
        held.Release();
        await WaitUntilAsync(() => sender.Pending == 0);
        Assert.False(sender.IsBacklogged);
        Assert.Equal(3, transport.Delivered.Sum(b => b.Records.Count));
    }

    [Fact]
    public async Task Records_ending_within_the_linger_leave_as_one_batch()
    {
        await using var lingering = await StartAsync(linger: TimeSpan.FromSeconds(1));
        var records = new[] { Record(), Record(), Record() };
        foreach (var record in records)
        {
            lingering.Sender.Enqueue(record);
        }

        var send = await transport.NextAttemptAsync();

        Assert.Equal(records.Select(r => r.RequestId), send.Batch.Records.Select(r => r.RequestId));
        await WaitUntilAsync(() => lingering.Sender.Pending == 0);
    }

    [Fact]
    public async Task Stop_does_not_wait_out_the_linger()
    {
        await using var lingering = await StartAsync(linger: TimeSpan.FromHours(1));
        var record = Record();
        lingering.Sender.Enqueue(record);

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await lingering.Sender.StopAsync(patience.Token);

        Assert.False(patience.IsCancellationRequested);
        Assert.Equal(0, lingering.Sender.Pending);
        Assert.Equal([record.RequestId], transport.Delivered[^1].Records.Select(r => r.RequestId));
    }

    [Fact]
    public async Task Stop_sends_the_records_still_waiting_before_it_returns()
    {
        transport.HoldSends = true;
        sender.Enqueue(Record());
        var held = await transport.NextAttemptAsync();
        var waiting = new[] { Record(), Record() };
        sender.Enqueue(waiting[0]);
        sender.Enqueue(waiting[1]);

        transport.HoldSends = false;
        var stopping = sender.StopAsync(CancellationToken.None);
        Assert.False(stopping.IsCompleted);
        held.Release();
        await stopping;

        Assert.Equal(0, sender.Pending);
        Assert.Equal(waiting.Select(r => r.RequestId), transport.Delivered[^1].Records.Select(r => r.RequestId));
    }

    [Fact]
    public async Task Records_that_cannot_be_sent_by_the_end_of_stop_are_counted_as_lost()
    {
        var lost = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == IngressMetrics.MeterName && instrument.Name == "aimesh.ingress.usage.lost")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref lost, value));
        listener.Start();

        transport.FailNext = int.MaxValue;
        sender.Enqueue(Record());
        sender.Enqueue(Record());
        await transport.NextAttemptAsync();

        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await sender.StopAsync(deadline.Token);
        sender.Enqueue(Record());

        Assert.Equal(3, Interlocked.Read(ref lost));
        Assert.Empty(transport.Delivered);
    }

    private UsageSender Create(int backlogLimit, TimeSpan? linger = null) => new(
        transport,
        Options.Create(new IngressOptions { UsageBacklogLimit = backlogLimit, UsageLinger = linger ?? TimeSpan.Zero }),
        services.GetRequiredService<IMeterFactory>(),
        NullLogger<UsageSender>.Instance);

    /// <summary>A second sender on the same transport, with a linger (the one every test gets has none).</summary>
    private async Task<Started> StartAsync(TimeSpan linger)
    {
        await sender.StopAsync(CancellationToken.None);
        var started = new Started(Create(1_000, linger));
        await started.Sender.StartAsync(CancellationToken.None);
        return started;
    }

    private sealed class Started(UsageSender sender) : IAsyncDisposable
    {
        public UsageSender Sender => sender;

        public async ValueTask DisposeAsync()
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await sender.StopAsync(stop.Token);
            sender.Dispose();
        }
    }

    private static RecordUsage Record() => new(
        Guid.NewGuid(), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "principal", "key", "chat.completions", "gpt-4o-mini",
        "deployment", "openai", 1, "ok", 200, null, null, 1, null, false, null, null, null, null, null);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, deadline.Token);
        }
    }

    /// <summary>
    /// Records every send attempt; can hold a send open until the test releases it, or fail the next ones.
    /// </summary>
    private sealed class ScriptedTransport : IUsageTransport
    {
        private readonly Channel<Attempt> attempts = Channel.CreateUnbounded<Attempt>();
        private readonly List<Attempt> open = [];

        public volatile bool HoldSends;

        public int FailNext;

        public List<RecordUsageBatch> Delivered { get; } = [];

        public async Task SendAsync(RecordUsageBatch batch, CancellationToken cancellationToken)
        {
            var attempt = new Attempt(batch, Interlocked.Decrement(ref FailNext) < 0);
            if (attempt.Succeeded && HoldSends)
            {
                lock (open)
                {
                    open.Add(attempt);
                }
            }
            else
            {
                attempt.Release();
            }

            attempts.Writer.TryWrite(attempt);
            await attempt.Released.Task.WaitAsync(cancellationToken);
            if (!attempt.Succeeded)
            {
                throw new TimeoutException("The scripted broker refused the batch.");
            }

            lock (Delivered)
            {
                Delivered.Add(batch);
            }
        }

        public async Task<Attempt> NextAttemptAsync()
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            return await attempts.Reader.ReadAsync(deadline.Token);
        }

        public void ReleaseAll()
        {
            FailNext = 0;
            HoldSends = false;
            lock (open)
            {
                open.ForEach(a => a.Release());
            }
        }
    }

    private sealed class Attempt(RecordUsageBatch batch, bool succeeded)
    {
        public RecordUsageBatch Batch { get; } = batch;

        public bool Succeeded { get; } = succeeded;

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
    }
}
