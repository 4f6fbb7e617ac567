namespace AiMesh.Policy.Audit;

/// <summary>
/// One entry of the audit trail, as stored: who did what to which object, its state before and after (views only:
/// never a key's hash, never a secret), when and from where, chained by <see cref="Hash"/> to the entry before.
/// There is no update or delete path for it anywhere in the code.
/// </summary>
internal sealed class AuditEvent
{
    /// <summary>1, 2, 3…: contiguous, the primary key.</summary>
    public long Sequence { get; set; }

    /// <summary>Whole milliseconds (both providers store exactly that, so the hash is stable).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    /// <summary><c>user:&lt;id&gt;</c> for an admin API caller; <c>bootstrap</c> for the first admin.</summary>
    public string Actor { get; set; } = "";

    /// <summary>The organization the object belongs to (what an org_admin may read); null for none.</summary>
    public Guid? OrganizationId { get; set; }

    public string Operation { get; set; } = "";

    public string ObjectType { get; set; } = "";

    public string ObjectId { get; set; } = "";

    public string? BeforeJson { get; set; }

    public string? AfterJson { get; set; }

    public string? ClientAddress { get; set; }

    public string PreviousHash { get; set; } = "";

    public string Hash { get; set; } = "";
}
