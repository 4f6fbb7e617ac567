namespace AiMesh.Router.Configuration;

/// <summary>
/// <c>Router:Health</c>: each deployment's circuit breaker (<see cref="Deployments.CircuitBreakers"/>). A deployment
/// opens after <see cref="ConsecutiveFailures"/> failures in a row, or when at least <see cref="ErrorRate"/> of its
/// calls in the last <see cref="Window"/> failed (with <see cref="MinimumCalls"/> calls or more); it then gets no calls
/// for its break time, which starts at <see cref="BreakTime"/> and doubles with each open in a row up to
/// <see cref="MaxBreakTime"/>; then one probe call decides: success closes it (and resets the break time), failure
/// opens it again.
/// </summary>
internal sealed class HealthOptions
{
    /// <summary>0 turns the consecutive rule off.</summary>
    public int ConsecutiveFailures { get; set; } = 5;

    /// <summary>Share of failed calls (0–1) that opens the circuit; 0 turns the rate rule off.</summary>
    public double ErrorRate { get; set; } = 0.5;

    public int MinimumCalls { get; set; } = 20;

    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakTime { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxBreakTime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often each replica tells the others what it sees of its deployments (<see cref="Health.HealthReporter"/>);
    /// a circuit that opens or closes is told at once. A peer's report counts for three intervals. Zero: not shared.
    /// </summary>
    public TimeSpan ShareInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Active health checks (<see cref="Health.ActiveHealthChecks"/>): how often each chat deployment is sent a
    /// one-token completion by each replica; zero (the default) turns them off. They cost the provider's price of about
    /// ten tokens each, so they are opt-in.
    /// </summary>
    public TimeSpan ActiveCheckInterval { get; set; }

    /// <summary>How long an active check may take before it counts as a failure.</summary>
    public TimeSpan ActiveCheckTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
