namespace AiMesh.Ingress.Instance;

/// <summary>
/// Two questions about the bus, answered differently.
/// <para>
/// <b>Should a new request be put on the bus now?</b> (<see cref="IsHealthy"/>.) After a send did not complete in time
/// (the broker is down or unreachable), the next second's requests get a fast 503 with Retry-After instead of each
/// waiting out its own send timeout; then one request probes again. MassTransit reconnects on its own, so service
/// resumes with the first send that completes. A new request refused here was never submitted, so retrying it is safe.
/// </para>
/// <para>
/// <b>Can the answers of requests already submitted still come?</b> (<see cref="AnswersLost"/>.) One slow send says
/// little about them: a cold broker declaring topology for the first send of a burst, or a loaded machine, can outlast
/// the send timeout while every other request of the burst is well on its way (seen: a whole first wave of 16 ended
/// 503 after policy had admitted it and the router was answering it). Their answers wait in this instance's queue,
/// which outlives a dropped connection, so in-flight exchanges give up only once the outage has lasted
/// <see cref="IngressOptions.OutagePatience"/>: every send failing since, with none completing, or this instance's
/// endpoint down for that long. Short of that they wait for their answer or their own deadline.
/// </para>
/// (MassTransit's own health reports lag a lost connection and flap under load, so they inform readiness, not these gates.)
/// </summary>
internal sealed class BusHealth(IngressInstance instance, Microsoft.Extensions.Options.IOptions<IngressOptions> options)
{
    private static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(1);
    private long _openUntil = long.MinValue;

    // Environment.TickCount64 of the first failed send since the last one that completed; 0 while sends complete.
    private long _failingSince;

    public bool IsHealthy => instance.Address is not null && Environment.TickCount64 >= Volatile.Read(ref _openUntil);

    /// <summary>Whether the outage has lasted long enough that answers to requests in flight are not expected.</summary>
    public bool AnswersLost
    {
        get
        {
            var patience = (long)options.Value.OutagePatience.TotalMilliseconds;
            var now = Environment.TickCount64;
            var failingSince = Volatile.Read(ref _failingSince);
            return (failingSince != 0 && now - failingSince >= patience) || instance.DownAtLeast(now, patience);
        }
    }

    public void SendFailed()
    {
        var now = Environment.TickCount64;
        Interlocked.CompareExchange(ref _failingSince, now, 0);
        Volatile.Write(ref _openUntil, now + (long)OpenFor.TotalMilliseconds);
    }

    /// <summary>A send completed: the broker is serving. (A read first, so the hot path writes nothing shared.)</summary>
    public void SendSucceeded()
    {
        if (Volatile.Read(ref _failingSince) != 0)
        {
            Volatile.Write(ref _failingSince, 0);
        }
    }

    /// <summary>
    /// Whether a failed hand-over says the broker is not serving (a send that timed out, a lost connection), as
    /// opposed to one request's transition failing: only the first may turn everyone away.
    /// </summary>
    public static bool IsBrokerFailure(Exception exception) => exception is TimeoutException or MassTransit.ConnectionException;
}
