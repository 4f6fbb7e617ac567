using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Scheduling;

namespace AiMesh.Ingress.Scheduling;

/// <summary>
/// Schedules messages with in-process timers. The request saga lives in this process's memory on an
/// instance-affine endpoint, so its timeouts can live here too: if the process dies, the saga and its client
/// connection die with it, and nothing is left waiting for a timer. This spares the broker a scheduler plugin
/// (Debian's RabbitMQ has no delayed-exchange plugin) and keeps one code path for both transports.
/// </summary>
/// <remarks>The bus is resolved on first use: the saga's endpoint is configured while the bus is being built.</remarks>
internal sealed class InProcessScheduleMessageProvider(IServiceProvider services, ILogger<InProcessScheduleMessageProvider> logger) : IScheduleMessageProvider
{
    private IBus Bus => field ??= services.GetRequiredService<IBus>();

    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _pending = new();

    public int Pending => _pending.Count;

    public Task<ScheduledMessage<T>> ScheduleSend<T>(Uri destinationAddress, DateTime scheduledTime, T message, IPipe<SendContext<T>> pipe, CancellationToken cancellationToken)
        where T : class
    {
        var tokenId = ScheduleTokenIdCache<T>.GetTokenId(message, NewId.NextGuid());
        var timer = new CancellationTokenSource();
        if (_pending.TryRemove(tokenId, out var replaced))
        {
            replaced.Cancel();
        }

        _pending[tokenId] = timer;
        _ = FireAsync(tokenId, timer, destinationAddress, scheduledTime, message, pipe);
        return Task.FromResult<ScheduledMessage<T>>(new ScheduledMessageHandle<T>(tokenId, scheduledTime, destinationAddress, message));
    }

    public Task CancelScheduledSend(Guid tokenId, CancellationToken cancellationToken)
    {
        if (_pending.TryRemove(tokenId, out var timer))
        {
            timer.Cancel();
        }

        return Task.CompletedTask;
    }

    public Task CancelScheduledSend(Uri destinationAddress, Guid tokenId, CancellationToken cancellationToken) =>
        CancelScheduledSend(tokenId, cancellationToken);

    private async Task FireAsync<T>(Guid tokenId, CancellationTokenSource timer, Uri destination, DateTime at, T message, IPipe<SendContext<T>> pipe)
        where T : class
    {
        try
        {
            var delay = at - DateTime.UtcNow;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, timer.Token);
            }

            if (!_pending.TryRemove(new KeyValuePair<Guid, CancellationTokenSource>(tokenId, timer)))
            {
                return;
            }

            var endpoint = await Bus.GetSendEndpoint(destination);
            await endpoint.Send(message, pipe, CancellationToken.None);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested)
        {
            // Cancelled: the response arrived before the timeout.
        }
        catch (Exception ex)
        {
            IngressLog.ScheduledSendFailed(logger, typeof(T).Name, ex);
        }
        finally
        {
            timer.Dispose();
        }
    }
}
