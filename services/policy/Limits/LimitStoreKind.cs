namespace AiMesh.Policy.Limits;

/// <summary>Where rate-limit counters live.</summary>
internal enum LimitStoreKind
{
    /// <summary>In this process: exact for one replica, per replica for several.</summary>
    Memory,

    /// <summary>In Redis, updated by one atomic script per decision: one limit across all replicas.</summary>
    Redis,
}
