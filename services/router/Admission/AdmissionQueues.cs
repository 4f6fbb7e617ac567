using System.Collections.Concurrent;
using AiMesh.Contracts.Routing;
using AiMesh.Router.Configuration;
using AiMesh.Router.Deployments;
using Microsoft.Extensions.Options;

namespace AiMesh.Router.Admission;

/// <summary>
/// This replica's waiting lines (<see cref="AdmissionLine"/>), one per set of deployments a model group offers a
/// request (the same model may offer different sets to callers in different regions), and the replica-wide bound on
/// waiters (<see cref="AdmissionOptions.TotalBound"/>). <see cref="Routing.CallAttempts"/> joins a line when every
/// deployment refused a call for capacity; capacity given back on this replica (<see cref="Released"/>) wakes the
/// heads of the lines that wait for that deployment.
/// <para>
/// The request waits "on the bus": its <c>RouteCompletion</c> stays unacknowledged in this replica's consumer while it
/// waits, so a replica that dies with waiters has them redelivered, and answered <c>route_interrupted</c> like any
/// route it held. Not a broker priority queue with a message time to live: a message that expires in the broker answers
/// nobody (the client would hang to its deadline instead of getting a 429 with <c>Retry-After</c>), a priority argument
/// changes the existing queue's declaration (which a running broker refuses), only the router knows the capacity
/// (limits in Redis, circuits), and the embedded mesh's in-memory transport has no priorities.
/// </para>
/// </summary>
internal sealed class AdmissionQueues(IOptions<RouterOptions> options)
{
    private readonly AdmissionOptions settings = options.Value.Admission;
    private readonly int totalBound = options.Value.Admission.TotalBound(options.Value.MaxConcurrentCalls);
    private readonly ConcurrentDictionary<string, AdmissionLine> lines = new(StringComparer.Ordinal);
    private int waiting;

    public AdmissionOptions Settings => settings;

    /// <summary>Requests waiting on this replica, in all lines.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    /// <summary>Whether requests may wait: on, and the replica's bound leaves room for at least one.</summary>
    public bool Enabled => settings.Enabled && totalBound >= 1;

    /// <summary>The line for <paramref name="candidates"/> of <paramref name="model"/>.</summary>
    public AdmissionLine LineFor(string model, IReadOnlyList<Deployment> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var names = candidates.Select(c => c.Name).Order(StringComparer.Ordinal).ToArray();
        var key = string.Join('\n', names);
        return lines.GetOrAdd(key, static (_, state) =>
            new AdmissionLine(state.model, new HashSet<string>(state.names, StringComparer.Ordinal), state.owner), (model, names, owner: this));
    }

    /// <summary>The request's priority: the highest of the <c>Priorities</c> entries its key's and team's tags match, else 0.</summary>
    public int PriorityOf(RouteCompletion request)
    {
        ArgumentNullException.ThrowIfNull(request);
        int? best = null;
        foreach (var entry in settings.Priorities)
        {
            if (Routing.RouteRules.Holds(entry.KeyTags, request.KeyTags) && Routing.RouteRules.Holds(entry.TeamTags, request.TeamTags)
                && (best is null || entry.Priority > best))
            {
                best = entry.Priority;
            }
        }

        return best ?? 0;
    }

    /// <summary>Capacity of <paramref name="deployment"/> was given back on this replica: the heads waiting for it try.</summary>
    public void Released(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (Volatile.Read(ref waiting) == 0)
        {
            return;
        }

        foreach (var line in lines.Values)
        {
            if (line.Serves(deployment))
            {
                line.Wake();
            }
        }
    }

    /// <summary>The waiters in the line of <paramref name="model"/>'s deployments (tests and diagnostics).</summary>
    public int WaitingFor(string model) => lines.Values.Where(l => l.Name == model).Sum(l => l.Count);

    internal bool TryTakePlace()
    {
        while (true)
        {
            var now = Volatile.Read(ref waiting);
            if (now >= totalBound)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref waiting, now + 1, now) == now)
            {
                return true;
            }
        }
    }

    internal void GiveBackPlace() => Interlocked.Decrement(ref waiting);
}
