namespace AiMesh.Hosting.Limits;

/// <summary>
/// What a store answered for one decision: either every counter was charged, or none was and
/// <see cref="Refused"/> names the first counter that had no room. <see cref="Counts"/> are the counts after the
/// charge (admitted) or as they stood (refused), in the order the counters were given.
/// </summary>
public sealed record LimitCharge(int Refused, long[] Counts)
{
    public bool Admitted => Refused < 0;
}
