using System.Collections.Concurrent;
using AiMesh.Router.Configuration;
using AiMesh.Router.Health;
using AiMesh.Router.Telemetry;
using AiMesh.Router.Transport;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Deployments;

/// <summary>
/// A circuit breaker per deployment (<see cref="HealthOptions"/>): closed, it takes calls and counts how they end;
/// open, it takes none until its break time is over; then it is half-open and the first call to come is its probe
/// (the others pass it by), whose outcome closes or reopens it. Only what says the deployment is unwell counts as a
/// failure (<see cref="IsUnwell"/>): no connection, no first byte or no further bytes in time, an answer cut or
/// malformed, a 5xx. A 4xx about the request, a 429 (its capacity, which the deployment limits and retries handle),
/// a client that left or a passed deadline say nothing about its health.
/// <para>
/// Shared by the router replicas (<see cref="PeerHealth"/>, <see cref="HealthReporter"/>): the error rate counts the
/// calls every replica made in its window, and a circuit another replica opened is opened here too, for as long
/// (<see cref="Adopt"/>), so no replica sends traffic to a deployment one of them found failing. Each replica then sends
/// its own half-open probe. The consecutive-failures rule stays per replica: "in a row" has no order across replicas.
/// </para>
/// </summary>
internal sealed class CircuitBreakers(IOptions<RouterOptions> options, PeerHealth peers, TimeProvider time, RouterMetrics metrics, ILogger<CircuitBreakers> logger)
{
    private readonly ConcurrentDictionary<string, Breaker> breakers = new(StringComparer.Ordinal);

    /// <summary>Raised after this replica's own decision opened or closed a circuit (not after <see cref="Adopt"/>): its peers should hear at once.</summary>
    public event Action? Changed;

    /// <summary>
    /// Whether a call may go to the deployment now. <paramref name="probe"/> is set when this call is the half-open
    /// circuit's probe: its outcome must then be <see cref="Record"/>ed, or the probe given back with <see cref="Release"/>.
    /// </summary>
    public bool TryEnter(Deployment deployment, out bool probe)
    {
        var breaker = BreakerOf(deployment);
        lock (breaker)
        {
            probe = false;
            switch (breaker.State)
            {
                case CircuitState.Closed:
                    return true;
                case CircuitState.Open when time.GetTimestamp() < breaker.OpenUntil:
                    return false;
                case CircuitState.Open:
                    breaker.State = CircuitState.HalfOpen;
                    probe = true;
                    return true;
                default:
                    // Half-open: its probe is out.
                    return false;
            }
        }
    }

    /// <summary>A probe that was never sent (the deployment's capacity was full): the next call probes instead.</summary>
    public void Release(Deployment deployment)
    {
        var breaker = BreakerOf(deployment);
        lock (breaker)
        {
            if (breaker.State == CircuitState.HalfOpen)
            {
                breaker.State = CircuitState.Open;
                breaker.OpenUntil = time.GetTimestamp();
            }
        }
    }

    /// <summary>How long until the deployment takes calls again (zero when it does now).</summary>
    public TimeSpan ClosedIn(Deployment deployment)
    {
        var breaker = BreakerOf(deployment);
        lock (breaker)
        {
            return breaker.State == CircuitState.Closed ? TimeSpan.Zero
                : breaker.State == CircuitState.HalfOpen ? TimeSpan.FromSeconds(1)
                : TimeSpan.FromTicks(Math.Max(0, breaker.OpenUntil - time.GetTimestamp()) * TimeSpan.TicksPerSecond / time.TimestampFrequency);
        }
    }

    public CircuitState StateOf(Deployment deployment)
    {
        var breaker = BreakerOf(deployment);
        lock (breaker)
        {
            return breaker.State == CircuitState.Open && time.GetTimestamp() >= breaker.OpenUntil ? CircuitState.HalfOpen : breaker.State;
        }
    }

    public void Record(Deployment deployment, CallOutcome outcome, bool probe)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Failure?.Kind is FailureKind.Cancelled or FailureKind.DeadlineExceeded or FailureKind.RelayBroken or FailureKind.UnsupportedParameter)
        {
            if (probe)
            {
                Release(deployment);
            }

            return;
        }

        var failed = IsUnwell(outcome);
        var settings = options.Value.Health;
        var breaker = BreakerOf(deployment);
        var now = time.GetTimestamp();
        var (peerCalls, peerFailures) = failed && peers.Any ? peers.Window(deployment.Name) : (0, 0);
        CircuitState? changed = null;
        lock (breaker)
        {
            breaker.Count(now, failed, settings.Window, time.TimestampFrequency);
            if (failed)
            {
                breaker.LastError = outcome.Failure!.Kind == FailureKind.UpstreamStatus ? $"UpstreamStatus {outcome.Failure.UpstreamStatus}" : outcome.Failure.Kind.ToString();
                breaker.LastErrorAt = time.GetUtcNow();
            }

            var (calls, failures) = (breaker.Calls + peerCalls, breaker.Failures + peerFailures);
            if (probe || breaker.State == CircuitState.HalfOpen)
            {
                changed = failed ? Open(breaker, now, settings) : Close(breaker);
            }
            else if (breaker.State == CircuitState.Closed && failed
                && ((settings.ConsecutiveFailures > 0 && breaker.Consecutive >= settings.ConsecutiveFailures)
                    || (settings.ErrorRate > 0 && calls >= settings.MinimumCalls && failures >= settings.ErrorRate * calls)))
            {
                changed = Open(breaker, now, settings);
            }
        }

        if (changed is { } state)
        {
            metrics.CircuitChanged(deployment, state);
            if (state == CircuitState.Open)
            {
                logger.CircuitOpened(deployment.Name, ClosedIn(deployment));
            }
            else
            {
                logger.CircuitClosed(deployment.Name);
            }

            Changed?.Invoke();
        }
    }

    /// <summary>
    /// Another replica reports the deployment's circuit open for <paramref name="openFor"/>: a closed circuit here opens
    /// until then, an open one stays open at least as long; a half-open one (its probe out) is left to its probe.
    /// </summary>
    /// <returns>Whether this replica's circuit opened now.</returns>
    public bool Adopt(Deployment deployment, TimeSpan openFor, int opensInARow)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var breaker = BreakerOf(deployment);
        var until = time.GetTimestamp() + (long)(openFor.TotalSeconds * time.TimestampFrequency);
        bool opened;
        lock (breaker)
        {
            if (breaker.State == CircuitState.HalfOpen || openFor <= TimeSpan.Zero)
            {
                return false;
            }

            opened = breaker.State == CircuitState.Closed;
            breaker.State = CircuitState.Open;
            breaker.OpenUntil = Math.Max(breaker.OpenUntil, until);
            breaker.OpensInARow = Math.Max(breaker.OpensInARow, opensInARow);
        }

        if (opened)
        {
            metrics.CircuitChanged(deployment, CircuitState.Open);
            logger.CircuitOpenedByPeer(deployment.Name, openFor);
        }

        return opened;
    }

    /// <summary>The deployment's circuit and window as this replica sees them now, for its report to the others and <c>/admin/deployments</c>.</summary>
    public CircuitSnapshot Snapshot(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var breaker = BreakerOf(deployment);
        var now = time.GetTimestamp();
        lock (breaker)
        {
            var (calls, failures) = breaker.Window(now, options.Value.Health.Window, time.TimestampFrequency);
            var state = breaker.State == CircuitState.Open && now >= breaker.OpenUntil ? CircuitState.HalfOpen : breaker.State;
            var openFor = state == CircuitState.Open ? TimeSpan.FromSeconds((double)(breaker.OpenUntil - now) / time.TimestampFrequency) : TimeSpan.Zero;
            return new CircuitSnapshot(state, openFor, breaker.OpensInARow, calls, failures, breaker.LastError, breaker.LastErrorAt);
        }
    }

    /// <summary>Whether the call's end says the deployment is unwell (see the class).</summary>
    public static bool IsUnwell(CallOutcome outcome) => outcome?.Failure is { } failure && failure.Kind switch
    {
        FailureKind.Unreachable or FailureKind.FirstByteTimeout or FailureKind.IdleTimeout or FailureKind.Truncated
            or FailureKind.InvalidResponse or FailureKind.TotalTimeout => true,
        FailureKind.UpstreamStatus => failure.UpstreamStatus is >= 500,
        _ => false,
    };

    private CircuitState Open(Breaker breaker, long now, HealthOptions settings)
    {
        var breakTime = TimeSpan.FromTicks(Math.Min(settings.MaxBreakTime.Ticks, settings.BreakTime.Ticks << Math.Min(breaker.OpensInARow, 20)));
        breaker.OpensInARow++;
        breaker.State = CircuitState.Open;
        breaker.OpenUntil = now + (long)(breakTime.TotalSeconds * time.TimestampFrequency);
        return CircuitState.Open;
    }

    private static CircuitState Close(Breaker breaker)
    {
        breaker.State = CircuitState.Closed;
        breaker.OpensInARow = 0;
        breaker.Reset();
        return CircuitState.Closed;
    }

    private Breaker BreakerOf(Deployment deployment) => breakers.GetOrAdd(deployment.Name, static _ => new Breaker());

    /// <summary>One deployment's state and its calls of the last window, counted in ten buckets.</summary>
    private sealed class Breaker
    {
        private const int Buckets = 10;
        private readonly long[] bucketStart = new long[Buckets];
        private readonly int[] calls = new int[Buckets];
        private readonly int[] failures = new int[Buckets];

        public CircuitState State { get; set; }

        public long OpenUntil { get; set; }

        public int OpensInARow { get; set; }

        public int Consecutive { get; private set; }

        public int Calls { get; private set; }

        public int Failures { get; private set; }

        public string? LastError { get; set; }

        public DateTimeOffset? LastErrorAt { get; set; }

        public void Count(long now, bool failed, TimeSpan window, long frequency)
        {
            var slot = now / Width(window, frequency);
            var index = (int)(slot % Buckets);
            if (bucketStart[index] != slot)
            {
                (bucketStart[index], calls[index], failures[index]) = (slot, 0, 0);
            }

            calls[index]++;
            failures[index] += failed ? 1 : 0;
            Consecutive = failed ? Consecutive + 1 : 0;
            (Calls, Failures) = Window(now, window, frequency);
        }

        /// <summary>Calls and failures in the window that ends now.</summary>
        public (int Calls, int Failures) Window(long now, TimeSpan window, long frequency)
        {
            var slot = now / Width(window, frequency);
            var (sumCalls, sumFailures) = (0, 0);
            for (var i = 0; i < Buckets; i++)
            {
                if (bucketStart[i] > slot - Buckets)
                {
                    sumCalls += calls[i];
                    sumFailures += failures[i];
                }
            }

            return (sumCalls, sumFailures);
        }

        private static long Width(TimeSpan window, long frequency) => Math.Max(1, (long)(window.TotalSeconds * frequency / Buckets));

        public void Reset()
        {
            Array.Clear(calls);
            Array.Clear(failures);
            (Consecutive, Calls, Failures) = (0, 0, 0);
        }
    }
}
