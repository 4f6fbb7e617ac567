using AiMesh.Router.Deployments;

namespace AiMesh.Router.Admission;

/// <summary>
/// The requests of one model group's deployment set waiting on this replica for capacity, highest priority first and
/// in arrival order within a priority. Only the head tries the deployments: when it gets capacity it leaves and the
/// next head is woken, so a burst of released capacity is taken one waiter at a time, in order.
/// </summary>
internal sealed class AdmissionLine(string name, IReadOnlySet<string> deployments, AdmissionQueues owner)
{
    private readonly Lock gate = new();
    private readonly SortedSet<AdmissionTicket> waiters = new(Comparer<AdmissionTicket>.Create(static (a, b) =>
        a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : a.Sequence.CompareTo(b.Sequence)));

    private long nextSequence;

    /// <summary>The model group the line was made for (a configured public model), for logs and metric labels.</summary>
    public string Name { get; } = name;

    /// <summary>The deployments whose capacity the line waits for.</summary>
    public IReadOnlySet<string> Deployments { get; } = deployments;

    public int Count
    {
        get
        {
            lock (gate)
            {
                return waiters.Count;
            }
        }
    }

    /// <summary>Whether anyone waits who a newcomer of <paramref name="priority"/> must not overtake.</summary>
    public bool HasWaitersAtOrAbove(int priority)
    {
        lock (gate)
        {
            return waiters.Count > 0 && waiters.Min!.Priority >= priority;
        }
    }

    /// <summary>A place in the line; null when the line (or the replica's lines together) are full.</summary>
    public AdmissionTicket? TryJoin(Guid requestId, int priority, long now, int maxWaiting)
    {
        // A newcomer placed ahead of the head is the head now and tries at once (its caller does); the former head keeps
        // its place and is woken again when its turn comes.
        lock (gate)
        {
            if (waiters.Count >= maxWaiting || !owner.TryTakePlace())
            {
                return null;
            }

            var ticket = new AdmissionTicket(this, requestId, priority, nextSequence++, now);
            waiters.Add(ticket);
            return ticket;
        }
    }

    public bool IsHead(AdmissionTicket ticket)
    {
        lock (gate)
        {
            return waiters.Count > 0 && ReferenceEquals(waiters.Min, ticket);
        }
    }

    /// <summary>Capacity may have come back: the head tries.</summary>
    public void Wake()
    {
        AdmissionTicket? head;
        lock (gate)
        {
            head = waiters.Count > 0 ? waiters.Min : null;
        }

        head?.Wake();
    }

    public bool Serves(Deployment deployment) => Deployments.Contains(deployment.Name);

    internal void Leave(AdmissionTicket ticket)
    {
        AdmissionTicket? head;
        lock (gate)
        {
            if (!waiters.Remove(ticket))
            {
                return;
            }

            owner.GiveBackPlace();
            head = waiters.Count > 0 ? waiters.Min : null;
        }

        // Whoever leaves (admitted, out of time, gone), the next one tries: the capacity that admitted this one may
        // have room for more, and a head that left without trying must not leave the line asleep.
        head?.Wake();
    }
}
