namespace AiMesh.Router.Admission;

/// <summary>
/// <c>Router:Admission</c>: what a request does when every deployment of its model group is at capacity (their
/// <c>Limits</c>: calls at once, requests or tokens per window). It waits in the group's line on this replica
/// (<see cref="AdmissionQueues"/>), its <c>RouteCompletion</c> held unacknowledged, instead of being answered 429 at once;
/// higher priority first, equal priority in arrival order. On by default: it only changes requests that would otherwise
/// have failed, and only for a bounded time, which serves them as soon as capacity comes back instead of leaving each
/// client to guess a backoff. Validated by <see cref="AdmissionValidation"/>.
/// </summary>
internal sealed class AdmissionOptions
{
    /// <summary>False: a request that finds every deployment full is answered 429 <c>rate_limit_exceeded</c> at once, as before.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests waiting in one line (one model group's set of deployments) on this replica; one more is answered 429 <c>capacity_queue_full</c> at once.</summary>
    public int MaxWaiting { get; set; } = 64;

    /// <summary>
    /// Requests waiting in all lines on this replica. Each holds one of the router endpoint's consumer slots
    /// (<c>Router:MaxConcurrentCalls</c>), so this must stay below it or waiters could take every slot from the calls that
    /// would free capacity and from other models' requests. Null (the default): half of <c>MaxConcurrentCalls</c>.
    /// </summary>
    public int? MaxWaitingTotal { get; set; }

    /// <summary>The longest a request waits for capacity, counted from when the router took it (so across fallback groups too).</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A request stops waiting when less than this is left before its deadline: admitted later, its call would likely
    /// be cut by the deadline, which costs the provider's tokens for an answer the client never gets whole.
    /// </summary>
    public TimeSpan MinTimeForCall { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the head of a line tries again without being woken: other router replicas give capacity back through
    /// Redis, which this replica does not hear of. Zero: never (one replica, or memory-counted limits), the head then
    /// tries when this replica gives capacity back or the refusal's <c>Retry-After</c> has passed.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Priorities by the key's and team's tags: the highest of the entries that match a request is its priority; none matching: 0.</summary>
    public IList<AdmissionPriorityOptions> Priorities { get; } = [];

    /// <summary>The bound on all lines of a replica, <see cref="MaxWaitingTotal"/> or its default.</summary>
    public int TotalBound(int maxConcurrentCalls) => MaxWaitingTotal ?? maxConcurrentCalls / 2;
}
