using System.Collections.Concurrent;

namespace AiMesh.Router.Routing;

/// <summary>
/// The provider calls running on this replica, by request id, so that <see cref="AiMesh.Contracts.Routing.CompletionAbandoned"/>
/// can cancel one. An abandonment that arrives before its call started (the request still queued) is remembered
/// for a while, so the call is refused at once instead of spending tokens for a client that is gone.
/// </summary>
internal sealed class InFlightCalls(TimeProvider time)
{
    /// <summary>How long an abandonment without a running call is remembered.</summary>
    public static readonly TimeSpan AbandonedMemory = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<Guid, Lease> running = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> abandoned = new();
    private long nextSweepTicks;

    public int Count => running.Count;

    /// <summary>Registers a call; dispose the lease when it ends. Its token fires on abandonment or <paramref name="consumerCancelled"/>.</summary>
    public Lease Begin(Guid requestId, CancellationToken consumerCancelled)
    {
        var lease = new Lease(this, requestId, CancellationTokenSource.CreateLinkedTokenSource(consumerCancelled));
        running[requestId] = lease;

        // Checked after registering: an abandonment racing with us either sees the call or left this mark.
        if (abandoned.TryRemove(requestId, out _))
        {
            lease.Abandon();
        }

        return lease;
    }

    /// <returns>Whether a call of this request was running here.</returns>
    public bool Abandon(Guid requestId)
    {
        var now = time.GetUtcNow();
        abandoned[requestId] = now + AbandonedMemory;
        Sweep(now);
        if (!running.TryGetValue(requestId, out var lease))
        {
            return false;
        }

        abandoned.TryRemove(requestId, out _);
        return lease.Abandon();
    }

    private void Sweep(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref nextSweepTicks, (now + AbandonedMemory / 4).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var (requestId, expires) in abandoned)
        {
            if (expires <= now)
            {
                abandoned.TryRemove(new KeyValuePair<Guid, DateTimeOffset>(requestId, expires));
            }
        }
    }

    private void End(Guid requestId, Lease lease) =>
        running.TryRemove(new KeyValuePair<Guid, Lease>(requestId, lease));

    /// <summary>One registered call.</summary>
    internal sealed class Lease(InFlightCalls owner, Guid requestId, CancellationTokenSource source) : IDisposable
    {
        private int abandonedByClient;

        public CancellationToken Token { get; } = source.Token;

        /// <summary>Whether the client abandoned the call, as opposed to the consumer being stopped.</summary>
        public bool AbandonedByClient => Volatile.Read(ref abandonedByClient) == 1;

        public void Dispose()
        {
            owner.End(requestId, this);
            source.Dispose();
        }

        internal bool Abandon()
        {
            Volatile.Write(ref abandonedByClient, 1);
            try
            {
                source.Cancel();
                return true;
            }
            catch (ObjectDisposedException)
            {
                // The call ended between the lookup and the cancel: nothing left to stop.
                return false;
            }
        }
    }
}
