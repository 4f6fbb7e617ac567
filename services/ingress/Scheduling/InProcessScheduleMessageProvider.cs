using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Scheduling;

namespace AiMesh.Ingress.Scheduling;

/// <summary>
/// Schedules messages with in-process timers. The request saga lives in this process's memory on an
/// instance-affine endpoint, so its timeouts can live here too: if the process dies, the saga and its client
/// connection die with it, and nothing is left waiting for a timer. This spares the broker a scheduler plugin
/// (Debian's RabbitMQ has no delayed-exchange plugin) and keeps one code path for both transports.
/// <para>
/// Every request arms two timeouts and nearly always cancels both, so a timer is an <see cref="ITimer"/> that a cancel
/// disposes: nothing throws on the way (an awaited <c>Task.Delay</c> would raise and catch an exception per cancel).
/// </para>
/// </summary>
/// <remarks>The bus is resolved on first use: the saga's endpoint is configured while the bus is being built.</remarks>
internal sealed class InProcessScheduleMessageProvider(IServiceProvider services, ILogger<InProcessScheduleMessageProvider> logger) : IScheduleMessageProvider
{
    private IBus Bus => field ??= services.GetRequiredService<IBus>();

    private readonly ConcurrentDictionary<Guid, Scheduled> _pending = new();

    public int Pending => _pending.Count;

    public Task<ScheduledMessage<T>> ScheduleSend<T>(Uri destinationAddress, DateTime scheduledTime, T message, IPipe<SendContext<T>> pipe, CancellationToken cancellationToken)
        where T : class
    {
        var tokenId = ScheduleTokenIdCache<T>.GetTokenId(message, NewId.NextGuid());
        var scheduled = new Scheduled(tokenId, () => SendAsync(destinationAddress, message, pipe));
        if (_pending.TryRemove(tokenId, out var replaced))
        {
            replaced.Cancel();
        }

        // In the table before the timer exists, so a timer that is due at once finds its entry.
        _pending[tokenId] = scheduled;
        var delay = scheduledTime - DateTime.UtcNow;
        scheduled.Start(this, delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
        return Task.FromResult<ScheduledMessage<T>>(new ScheduledMessageHandle<T>(tokenId, scheduledTime, destinationAddress, message));
    }

    public Task CancelScheduledSend(Guid tokenId, CancellationToken cancellationToken)
    {
        if (_pending.TryRemove(tokenId, out var scheduled))
        {
            scheduled.Cancel();
        }

        return Task.CompletedTask;
    }

    public Task CancelScheduledSend(Uri destinationAddress, Guid tokenId, CancellationToken cancellationToken) =>
        CancelScheduledSend(tokenId, cancellationToken);

    private async Task SendAsync<T>(Uri destination, T message, IPipe<SendContext<T>> pipe)
        where T : class
    {
        try
        {
            var endpoint = await Bus.GetSendEndpoint(destination);
            await endpoint.Send(message, pipe, CancellationToken.None);
        }
        catch (Exception ex)
        {
            IngressLog.ScheduledSendFailed(logger, typeof(T).Name, ex);
        }
    }

    /// <summary>One armed timeout: fires once, unless cancelled (or replaced under the same token) first.</summary>
    private sealed class Scheduled(Guid tokenId, Func<Task> send)
    {
        private InProcessScheduleMessageProvider? owner;
        private ITimer? timer;

        public void Start(InProcessScheduleMessageProvider provider, TimeSpan delay)
        {
            owner = provider;
            timer = TimeProvider.System.CreateTimer(static state => ((Scheduled)state!).Fire(), this, delay, Timeout.InfiniteTimeSpan);
        }

        public void Cancel() => timer?.Dispose();

        private void Fire()
        {
            timer?.Dispose();

            // Only the entry still armed under its token fires: a cancel or a replacement took it out first.
            if (owner!._pending.TryRemove(new KeyValuePair<Guid, Scheduled>(tokenId, this)))
            {
                _ = send();
            }
        }
    }
}
