namespace AiMesh.Router.Configuration;

/// <summary>
/// Bounds of this replica's shadow calls, whatever group they shadow (<c>Router:Shadow</c>): the experiment must never
/// cost the clients' traffic more than a fixed share of the replica.
/// </summary>
internal sealed class ShadowOptions
{
    /// <summary>
    /// Shadow calls this replica runs at once; a sampled request finding them all busy is not shadowed (counted as
    /// <c>pool_full</c>), never queued: a queue would grow without bound when the candidate is slow.
    /// </summary>
    public int MaxConcurrent { get; set; } = 8;

    /// <summary>How long one shadow call may take, from its start (its own deadline, not the client's: the client has its answer).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}
