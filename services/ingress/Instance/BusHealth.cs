namespace AiMesh.Ingress.Instance;

/// <summary>
/// Whether a new request should be put on the bus now. After a send to the bus did not complete in time (the broker
/// is down or unreachable), the next second's requests get a fast 503 with Retry-After instead of each waiting out
/// its own send timeout; then one request probes again. MassTransit reconnects on its own, so service resumes with
/// the first send that completes. (MassTransit's own health reports lag a lost connection and flap under load, so
/// they inform readiness, not this gate.)
/// </summary>
internal sealed class BusHealth(IngressInstance instance)
{
    private static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(1);
    private long _openUntil = long.MinValue;

    public bool IsHealthy => instance.Address is not null && Environment.TickCount64 >= Volatile.Read(ref _openUntil);

    public void SendFailed() => Volatile.Write(ref _openUntil, Environment.TickCount64 + (long)OpenFor.TotalMilliseconds);

    /// <summary>
    /// Whether a failed hand-over says the broker is not serving (a send that timed out, a lost connection), as
    /// opposed to one request's transition failing: only the first may turn everyone away.
    /// </summary>
    public static bool IsBrokerFailure(Exception exception) => exception is TimeoutException or MassTransit.ConnectionException;
}
